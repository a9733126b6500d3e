import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  closeFastStore,
  createLogger,
  drainTimeoutMs,
  exitOnUnhandled,
  onShutdown,
  openFastStore,
  pemFromEnv,
  PRODUCTION_SHUTDOWN_DELAY_MS,
  requireEnv,
  shutdownDelayMs,
  startMetricsServerFromEnv,
  startTracingFromEnv,
} from '@tunet/kit';
import { jwtKeyIdsFromEnv } from './access-token-keys';
import { breakerSettingsFromEnv } from './circuit-breaker';
import { callerLimitsFromEnv } from './caller-limits';
import { trustProxyFromEnv } from './trust-proxy';
import { allowedOriginsFromEnv } from './cors';
import { TrustedDocuments } from './trusted-documents';
import { startGateway } from './gateway';
import { subgraphTimeoutsFromEnv } from './subgraph-timeouts';
import { subgraphUrlsFromEnv } from './subgraph-urls';

/**
 * The gateway as its own production process, configured only by environment variables (see README):
 * PORT, HOST, JWT_PUBLIC_KEY (JWT_PREVIOUS_PUBLIC_KEY, JWT_KEY_ID, JWT_PREVIOUS_KEY_ID), INTERNAL_SIGNING_SECRET, SUBGRAPH_<NAME>_URL
 * (every one required when NODE_ENV=production: subgraph-urls.ts), SUBGRAPH_TIMEOUT_MS,
 * SUBGRAPH_<NAME>_TIMEOUT_MS, BREAKER_FAILURES, BREAKER_COOLDOWN_MS, SUPERGRAPH_PATH, GRAPHQL_INTROSPECTION, TRUST_PROXY, REDIS_URL, SHUTDOWN_DELAY_MS, DRAIN_TIMEOUT_MS,
 * RATE_LIMIT_USER_PER_MINUTE, RATE_LIMIT_API_KEY_PER_MINUTE, RATE_LIMIT_ANONYMOUS_PER_MINUTE (caller-limits.ts),
 * WEB_APP_ORIGIN and CORS_ALLOWED_ORIGINS (the browser origins answered with CORS headers), METRICS_PORT and
 * METRICS_HOST (Prometheus metrics on their own port; off when METRICS_PORT is unset), TRUSTED_DOCUMENTS_PATH (serve only
 * the documents of that persisted query manifest), OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, OTEL_SERVICE_NAME
 * (default tunet-gateway) and OTEL_TRACES_SAMPLER(_ARG) (tracing, off by default: decision 0060).
 */
async function main(): Promise<void> {
  exitOnUnhandled('gateway');
  const logger = createLogger('gateway');
  // Bound first: a taken metrics port (EADDRINUSE) fails the start before the gateway does any work.
  const metrics = await startMetricsServerFromEnv();
  const tracing = await startTracingFromEnv('tunet-gateway', logger);
  const supergraphPath = process.env.SUPERGRAPH_PATH ?? path.resolve(__dirname, '../../schema/supergraph.graphql');
  const subgraphUrls = subgraphUrlsFromEnv(process.env, readFileSync(supergraphPath, 'utf8'), logger);
  const delayMs = shutdownDelayMs(PRODUCTION_SHUTDOWN_DELAY_MS);
  const store = await openFastStore(process.env.REDIS_URL);
  const server = await startGateway({
    port: Number(process.env.PORT ?? 4000),
    host: process.env.HOST ?? '0.0.0.0',
    supergraphPath,
    subgraphUrls,
    jwtPublicKey: pemFromEnv('JWT_PUBLIC_KEY'),
    // While keys rotate (decision 0054): tokens the previous key signed stay valid until it is dropped.
    jwtPreviousPublicKey: process.env.JWT_PREVIOUS_PUBLIC_KEY ? pemFromEnv('JWT_PREVIOUS_PUBLIC_KEY') : null,
    jwtKeyIds: jwtKeyIdsFromEnv(process.env),
    internalSecret: requireEnv('INTERNAL_SIGNING_SECRET'),
    introspection: process.env.GRAPHQL_INTROSPECTION === 'true',
    trustProxy: trustProxyFromEnv(process.env),
    subgraphTimeouts: subgraphTimeoutsFromEnv(process.env),
    breaker: breakerSettingsFromEnv(process.env),
    allowedOrigins: allowedOriginsFromEnv(process.env),
    callerLimits: callerLimitsFromEnv(process.env),
    trustedDocuments: process.env.TRUSTED_DOCUMENTS_PATH ? await TrustedDocuments.load(process.env.TRUSTED_DOCUMENTS_PATH) : undefined,
    drainTimeoutMs: drainTimeoutMs(),
    store,
    logger,
  });
  logger.info({ url: server.url, metricsUrl: metrics?.url }, 'gateway ready');
  onShutdown(logger, async () => {
    try {
      await server.stop(delayMs);
      await metrics?.stop();
      await closeFastStore(store);
    } finally {
      // Last, even when a step above failed: the spans of the requests that drained are sent too (bounded, never throws).
      await tracing?.shutdown();
    }
  });
}

void main();
