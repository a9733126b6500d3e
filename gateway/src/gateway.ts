import { readFile } from 'node:fs/promises';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import {
  AccessTokenVerifier,
  createProbedApp,
  drainPlugin,
  logUnexpectedErrors,
  maskInternalError,
  RevocationReader,
  serve,
  type FastStore,
  type Logger,
  type RunningServer,
} from '@tunet/kit';
import { ApiKeyAuthenticator, verifyWithMembers } from './api-keys';
import { withoutVendorTelemetry } from './vendor-telemetry';
import { CallerLimits, isAuthenticationOperation, type CallerLimitSettings } from './caller-limits';
import { authenticate, suspendedWritesPlugin } from './authenticate';
import { EntitlementsLookup, loadFromBilling } from './entitlements';
import { featureGatesOf, featureGatesPlugin } from './feature-gates';
import { errorLanguagePlugin, localizeError, messageLocaleOf } from './error-language';
import { formatInputError, inputErrorPlugin, operationNamePlugin, scalarLiteralsRule } from './input-errors';
import { nulCharactersPlugin, nulCharactersRule } from './nul-characters';
import { mountPublicRoutes, publicOriginOf } from './public-routes';
import { graphqlBody, OperationGuard } from './request-limits';
import { trustedDocumentsOnly, type TrustedDocuments } from './trusted-documents';
import { logContextFailures, RequestMetrics, requestIdOf } from './request-metrics';
import { RequestTracing } from './request-tracing';
import { SignedDataSource, type GatewayContext } from './signed-data-source';
import { DEFAULT_BREAKER_SETTINGS, type BreakerSettings } from './circuit-breaker';
import { SubgraphHealth } from './subgraph-health';
import { corsFor } from './cors';
import { timeoutFor, type SubgraphTimeouts } from './subgraph-timeouts';
import { supportSessionsPlugin } from './support-sessions';
import { mountInboxStream } from './stream';

export interface GatewayOptions {
  port: number;
  host?: string;
  supergraphPath: string;
  /** Overrides of the subgraph URLs written into the supergraph, by subgraph name. */
  subgraphUrls?: Record<string, string>;
  jwtPublicKey: string;
  /** While keys rotate, the previous public key (JWT_PREVIOUS_PUBLIC_KEY): tokens it signed stay valid (decision 0054). */
  jwtPreviousPublicKey?: string | null;
  /** The ids tokens name the keys by when members sets JWT_KEY_ID (JWT_KEY_ID, JWT_PREVIOUS_KEY_ID); else thumbprints. */
  jwtKeyIds?: { current?: string | null; previous?: string | null };
  internalSecret: string;
  introspection: boolean;
  /** Express `trust proxy`, so the client address behind a load balancer is the real one (rate limits use it). */
  trustProxy?: boolean | string | number;
  /**
   * Caches API-key verifications and counts failed ones, holds ended sessions and suspensions, counts open streams,
   * caches entitlements and carries their invalidations; on Redis, shared by every gateway replica.
   */
  store: FastStore;
  /** How long a verified API key is trusted without asking members again: the bound on a revoked key. Default 60. */
  apiKeyCacheSeconds?: number;
  /** How long to wait for each subgraph's answer (default 10 s); see subgraph-timeouts. */
  subgraphTimeouts?: SubgraphTimeouts;
  /** When a subgraph's circuit breaker opens and how long it stays open before a probe (decision 0055). */
  breaker?: Partial<BreakerSettings>;
  /** Browser origins allowed to call the API across origins (the web app; see cors.ts). Default none. */
  allowedOrigins?: readonly string[];
  /** Requests a minute per person, API key and anonymous client network (caller-limits.ts); defaults far above real use. */
  callerLimits?: CallerLimitSettings;
  /** When set, the only documents served (TRUSTED_DOCUMENTS_PATH; trusted-documents.ts). Default: any operation. */
  trustedDocuments?: TrustedDocuments;
  /** How long requests in flight may finish once stopping (kit `drainTimeoutMs`, DRAIN_TIMEOUT_MS); default 10 s. */
  drainTimeoutMs?: number;
  logger: Logger;
}

/** The single public endpoint: verifies tokens, plans queries over the static supergraph, signs subgraph calls. */
export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const subgraphUrls = new Map<string, string>();
  const timeoutMs = (name: string) => timeoutFor(options.subgraphTimeouts, name);
  const supergraphSdl = await readFile(options.supergraphPath, 'utf8');
  const health = new SubgraphHealth({ ...DEFAULT_BREAKER_SETTINGS, ...options.breaker }, options.logger);
  const gateway = withoutVendorTelemetry(
    () =>
      new ApolloGateway({
        logger: options.logger,
        supergraphSdl,
        buildService: ({ name, url }) => {
          const target = options.subgraphUrls?.[name] ?? url;
          if (!target) throw new Error(`no URL for subgraph ${name}`);
          subgraphUrls.set(name, target);
          return new SignedDataSource(target, options.internalSecret, {
            name,
            timeoutMs: timeoutMs(name),
            logger: options.logger,
            breaker: health.register(name, target),
            countFailure: (failure) => health.countFailure(name, failure),
          });
        },
      }),
  );
  const operationGuard = new OperationGuard();
  const requestMetrics = new RequestMetrics(options.logger);
  const requestTracing = new RequestTracing();
  operationGuard.watch(gateway);
  const accessTokens = await AccessTokenVerifier.fromKeys({
    current: { pem: options.jwtPublicKey, keyId: options.jwtKeyIds?.current },
    previous: options.jwtPreviousPublicKey ? { pem: options.jwtPreviousPublicKey, keyId: options.jwtKeyIds?.previous } : null,
  });
  // What a rotation needs checked: the ids tokens must name (members' `kid`), the current key's first.
  options.logger.info({ accessTokenKeyIds: accessTokens.keyIds }, 'access-token keys held');
  const apiKeys = new ApiKeyAuthenticator(
    options.store,
    verifyWithMembers(() => membersUrl(subgraphUrls), options.internalSecret, timeoutMs('members'), options.logger),
    options.apiKeyCacheSeconds,
  );
  const revocations = await RevocationReader.open(options.store, options.logger);
  const billing = loadFromBilling(() => subgraphUrl(subgraphUrls, 'billing'), options.internalSecret, timeoutMs('billing'), options.logger);
  const entitlementsLookup = await EntitlementsLookup.open(options.store, billing, options.logger);
  const authenticators = { accessTokens, apiKeys, revocations };
  const callerLimits = new CallerLimits(options.store, options.callerLimits);
  const probed = createProbedApp(() => supergraphLoaded(subgraphUrls));
  const { app, httpServer } = probed;
  health.mount(app);
  app.set('trust proxy', options.trustProxy ?? false);
  app.use(corsFor(options.allowedOrigins ?? []));

  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: options.introspection,
    // "Did you mean …?" would spell out the schema that introspection being off is meant to keep to ourselves.
    hideSchemaDetailsFromClientErrors: !options.introspection,
    validationRules: [scalarLiteralsRule, nulCharactersRule],
    includeStacktraceInErrorResponses: false,
    // A query found by its hash alone would skip the operation limits, which read the request's own query text.
    persistedQueries: false,
    // Shutdown is ours (onShutdown): Apollo's own signal handlers would race it and leave the process hanging.
    stopOnTerminationSignals: false,
    logger: options.logger,
    formatError: (formatted) => maskInternalError(formatInputError(formatted)),
    plugins: [
      drainPlugin(httpServer, options.drainTimeoutMs),
      logUnexpectedErrors(options.logger),
      requestMetrics.plugin,
      requestTracing.plugin,
      inputErrorPlugin,
      errorLanguagePlugin,
      operationNamePlugin,
      nulCharactersPlugin,
      requestIdOnErrors,
      suspendedWritesPlugin,
      featureGatesPlugin(featureGatesOf(supergraphSdl)),
      supportSessionsPlugin({
        membersUrl: () => membersUrl(subgraphUrls),
        internalSecret: options.internalSecret,
        timeoutMs: timeoutMs('members'),
        logger: options.logger,
      }),
    ],
  });
  await server.start();

  // Before /graphql, whose middleware would otherwise take /graphql/stream for an ordinary GraphQL request.
  mountInboxStream(app, {
    authenticators,
    callerLimits,
    entitlements: entitlementsLookup,
    introspection: options.introspection,
    store: options.store,
    notificationsUrl: () => subgraphUrl(subgraphUrls, 'notifications'),
    timeoutMs: timeoutMs('notifications'),
    internalSecret: options.internalSecret,
    probe: probed.probe,
    logger: options.logger,
  });
  app.use(
    '/graphql',
    requestMetrics.middleware,
    requestTracing.middleware,
    graphqlBody((req) =>
      authenticate(req.headers.authorization, authenticators, { requestId: requestIdOf(req.res), clientIp: req.ip ?? '' }).then(
        ({ viewer }) => viewer !== null,
        () => false,
      ),
    ),
    ...(options.trustedDocuments ? [trustedDocumentsOnly(options.trustedDocuments)] : []),
    expressMiddleware(server, {
      context: logContextFailures(options.logger, async ({ req, res }) => {
        // The metrics middleware gave the request its id and sent it as x-request-id.
        const requestId = requestIdOf(res);
        const document = operationGuard.check(req, requestId);
        const clientIp = req.ip ?? '';
        const locale = messageLocaleOf(req.headers['accept-language']);
        const authentication = authenticate(req.headers.authorization, authenticators, { requestId, clientIp });
        const { viewer, suspension } = await callerLimits
          .admitAuthenticated(authentication, clientIp, isAuthenticationOperation(document))
          .catch((error: unknown) => {
            throw localizeError(error, locale);
          });
        const { entitlements, unavailable } = await entitlementsLookup.forViewer(viewer, requestId);
        return {
          requestId,
          clientIp,
          viewer,
          suspension,
          publicOrigin: publicOriginOf(req),
          entitlements,
          entitlementsUnavailable: unavailable,
          locale,
          associationLocale: viewer?.locale ?? undefined,
        };
      }),
    }),
  );
  mountPublicRoutes(app, {
    subgraphUrl: (name) => subgraphUrl(subgraphUrls, name),
    timeoutMs,
    internalSecret: options.internalSecret,
    logger: options.logger,
  });
  const running = await serve(probed, server, options.port, options.host);
  return {
    ...running,
    stop: async (delayMs) => {
      await running.stop(delayMs);
      await revocations.close();
      await entitlementsLookup.close();
    },
  };
}

/** Members verifies API keys; its URL is known once the gateway has loaded the supergraph. */
function membersUrl(urls: Map<string, string>): string {
  return subgraphUrl(urls, 'members');
}

function subgraphUrl(urls: Map<string, string>, name: string): string {
  const url = urls.get(name);
  if (!url) throw new Error(`gateway not loaded: no URL for the ${name} subgraph`);
  return url;
}

/**
 * Ready when the supergraph is loaded (and, see createProbedApp, not draining): a subgraph that is down costs its
 * fields on every gateway alike, so it must not take every gateway out of the load balancer (decision 0055).
 * GET /healthz/subgraphs says how each subgraph is doing.
 */
async function supergraphLoaded(urls: Map<string, string>): Promise<void> {
  if (urls.size === 0) throw new Error('gateway not loaded');
}

/** Internal errors reach clients masked; the request id lets support find the logged cause. */
const requestIdOnErrors: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single') return;
        for (const error of response.body.singleResult.errors ?? []) {
          if (error.extensions) (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
        }
      },
    };
  },
};
