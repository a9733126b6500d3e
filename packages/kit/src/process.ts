import path from 'node:path';
import { stopAll, type BackgroundJob } from './background';
import { DatabaseConnection } from './database';
import { withConsumerReadiness } from './events/consumer-health';
import { openEventStream, type EventStream } from './events/event-stream';
import { unwatchStreamGroups, watchStreamGroups } from './events/stream-metrics';
import { exitOnUnhandled } from './crash';
import { createLogger, type Logger } from './logger';
import { startMetricsServerFromEnv } from './metrics';
import { closeFastStore, openFastStore, type FastStore } from './redis';
import { requireEnv } from './secrets';
import { DEFAULT_DRAIN_TIMEOUT_MS, type RunningServer } from './http-server';
import { startSubgraphServer, type SubgraphDefinition } from './subgraph-server';
import { startTracingFromEnv } from './tracing';

/** What production processes wait by default: a few seconds covers load balancers' and Kubernetes' probe periods. */
export const PRODUCTION_SHUTDOWN_DELAY_MS = 5000;

/**
 * How long a stopping server keeps serving with readiness off, so load balancers take it out of rotation before it
 * stops accepting: SHUTDOWN_DELAY_MS, or `fallbackMs` when unset (production processes wait, `npm start` does not).
 */
export function shutdownDelayMs(fallbackMs: number): number {
  const value = process.env.SHUTDOWN_DELAY_MS;
  if (!value) return fallbackMs;
  if (!/^\d+$/.test(value)) throw new Error(`SHUTDOWN_DELAY_MS must be a whole number of milliseconds, not "${value}"`);
  return Number(value);
}

/**
 * How long a stopping server lets in-flight requests finish after it stops accepting connections, before it closes
 * them: DRAIN_TIMEOUT_MS, default 10 000 (Apollo's). Gateway and subgraphs alike; the orchestrator's grace period
 * (Kubernetes' terminationGracePeriodSeconds, systemd's TimeoutStopSec) must exceed SHUTDOWN_DELAY_MS plus this.
 */
export function drainTimeoutMs(): number {
  const value = process.env.DRAIN_TIMEOUT_MS;
  if (!value) return DEFAULT_DRAIN_TIMEOUT_MS;
  if (!/^\d+$/.test(value)) throw new Error(`DRAIN_TIMEOUT_MS must be a whole number of milliseconds, not "${value}"`);
  return Number(value);
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits; in-flight requests finish first. */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down; letting in-flight requests finish');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

export interface SubgraphProcessDependencies {
  database: DatabaseConnection;
  store: FastStore;
}

/** What a subgraph package builds from its dependencies: its server definition, migrations and background work. */
export interface SubgraphModule<TContext extends { requestId: string }> {
  definition: SubgraphDefinition<TContext>;
  migrate(): Promise<string[]>;
  /** The jobs to run beside the server; each subgraph relays its own outbox to the stream. */
  backgroundJobs(stream: EventStream): BackgroundJob[];
}

/**
 * A subgraph as its own production process, configured only by environment variables:
 * PORT, HOST, DATABASE_URL, REDIS_URL, INTERNAL_SIGNING_SECRET, MIGRATE_ON_START (default true), SHUTDOWN_DELAY_MS,
 * DRAIN_TIMEOUT_MS, METRICS_PORT and METRICS_HOST (Prometheus metrics on their own port; off when METRICS_PORT is unset),
 * OUTBOX_KEEP_RELAYED_HOURS and EVENT_CONSUMER_UNREADY_AFTER_SECONDS (decision 0052), and OpenTelemetry's OTEL_TRACES_EXPORTER,
 * OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, OTEL_SERVICE_NAME (default `tunet-<name>`) and OTEL_TRACES_SAMPLER(_ARG) (decision 0060).
 */
export async function runSubgraphProcess<TContext extends { requestId: string }>(options: {
  name: string;
  defaultPort: number;
  create(deps: SubgraphProcessDependencies): Promise<SubgraphModule<TContext>>;
}): Promise<RunningServer> {
  exitOnUnhandled(options.name);
  const logger = createLogger(options.name);
  // Bound first: a taken metrics port (EADDRINUSE) fails the start before migrations run or jobs start.
  const metrics = await startMetricsServerFromEnv();
  const tracing = await startTracingFromEnv(`tunet-${options.name}`, logger);
  const url = process.env.DATABASE_URL;
  if (!url) logger.warn('DATABASE_URL is not set: using an embedded PGlite database, which is for development only');
  const database = await DatabaseConnection.open({
    url,
    dataDir: url ? undefined : path.resolve(process.env.TUNET_DATA_DIR ?? '.data', `pglite-${options.name}`),
    poolSize: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  });
  const delayMs = shutdownDelayMs(PRODUCTION_SHUTDOWN_DELAY_MS);
  const store = await openFastStore(process.env.REDIS_URL);
  const subgraph = await options.create({ database, store });
  if (process.env.MIGRATE_ON_START !== 'false') {
    const applied = await subgraph.migrate();
    if (applied.length > 0) logger.info({ applied }, 'applied migrations');
  }
  const jobs = subgraph.backgroundJobs(openEventStream(store));
  // Ready also means its event consumers can read, unless Redis itself is down (decision 0052).
  const server = await startSubgraphServer(withConsumerReadiness(subgraph.definition, jobs, store), {
    port: Number(process.env.PORT ?? options.defaultPort),
    host: process.env.HOST ?? '0.0.0.0',
    internalSecret: requireEnv('INTERNAL_SIGNING_SECRET'),
    // Replayed signed requests are refused across every replica (decision 0054).
    store,
    drainTimeoutMs: drainTimeoutMs(),
    logger,
  });
  for (const job of jobs) job.start();
  if (metrics) watchStreamGroups(store);
  logger.info({ url: server.url, metricsUrl: metrics?.url }, `${options.name} subgraph ready`);
  onShutdown(logger, async () => {
    try {
      await server.stop(delayMs);
      await metrics?.stop();
      unwatchStreamGroups(store);
      await stopAll(jobs);
      await database.close();
      await closeFastStore(store);
    } finally {
      // Last, even when a step above failed: the spans of the requests that drained are sent too (bounded, never throws).
      await tracing?.shutdown();
    }
  });
  return server;
}
