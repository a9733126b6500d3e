import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { DocumentNode } from 'graphql';
import { createProbedApp, drainPlugin, endOnDrain, logUnexpectedErrors, maskInternalError, serve, type ProbeState, type RunningServer } from './http-server';
import { errorReasons } from './error-reasons';
import { internalRouter, type InternalRoute } from './internal-routes';
import { verifyRequest } from './internal-signature';
import type { FastStore } from './redis';
import { SignatureReplayCache } from './signature-replay';
import { publicRouter, type PublicRoute } from './public-routes';
import { SubgraphRequestLog } from './request-log';
import { traceIncoming } from './tracing';
import type { Logger } from './logger';
import type { RequestContext } from './viewer';

/** What a subgraph package hands to the kit: its contract, its resolvers and how to build a request context. */
export interface SubgraphDefinition<TContext extends BaseContext & { requestId: string }> {
  name: string;
  typeDefs: DocumentNode;
  /** One resolver map per domain, each typed by the subgraph's generated `Resolvers`; merged by type here. */
  resolvers: object[];
  createContext(request: RequestContext): TContext;
  isReady(): Promise<void>;
  /**
   * Routes for other Tunet processes, served at `POST /internal/<name>` behind the same gateway signature as
   * `/graphql` (members' `api-keys/verify`, which the gateway calls to authenticate API keys).
   */
  internalRoutes?: Record<string, InternalRoute>;
  /**
   * Downloads, feeds and pages clients open by URL, forwarded by the gateway from `GET /<name>/…`, and from
   * `POST /<name>/…` for the routes that take a form (see public-routes).
   */
  publicRoutes?: Record<string, PublicRoute>;
  /**
   * Long-lived responses (Server-Sent Events), served at `POST /stream/<name>` behind the same gateway signature as
   * `/graphql`; the gateway forwards a client's stream to them (notifications' `inbox`, from `/graphql/stream`).
   */
  streamRoutes?: Record<string, StreamRoute>;
}

/**
 * Answers one signed stream request and resolves when the response has ended. The body is parsed JSON; the response
 * is ended by the kit when the server starts draining, so the route must stop writing once it closes.
 */
export type StreamRoute = (req: Request, res: Response, context: RequestContext) => Promise<void>;

export interface SubgraphServerOptions {
  port: number;
  host?: string;
  internalSecret: string;
  /**
   * Where the nonces of signed requests are remembered, so a replayed one is refused (decision 0054): the process's
   * fast store, shared by every replica on Redis. Without it, this server keeps its own in memory.
   */
  store?: FastStore;
  /** How long requests in flight may finish once stopping (kit process.ts `drainTimeoutMs`); default below. */
  drainTimeoutMs?: number;
  /**
   * The drain when `drainTimeoutMs` is not given: Apollo's 10 s (`DEFAULT_DRAIN_TIMEOUT_MS`). Tests shorten it, so
   * that a request outlasting the default but within the configured drain shows which of the two decided.
   */
  defaultDrainTimeoutMs?: number;
  logger: Logger;
}

export async function startSubgraphServer<TContext extends BaseContext & { requestId: string }>(
  definition: SubgraphDefinition<TContext>,
  options: SubgraphServerOptions,
): Promise<RunningServer> {
  const probed = createProbedApp(() => definition.isReady());
  const { app, httpServer } = probed;
  const replays = new SignatureReplayCache(options.store ?? { kind: 'memory', namespace: 'tunet' }, options.logger);
  const signed = (jsonBody = true) => requireGatewaySignature(options.internalSecret, replays, options.logger, { jsonBody });
  const requestLog = new SubgraphRequestLog<TContext>(options.logger);
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema({ typeDefs: definition.typeDefs, resolvers: mergeResolvers(definition.resolvers) }),
    includeStacktraceInErrorResponses: false,
    // Shutdown is ours (onShutdown): Apollo's own signal handlers would race it and leave the process hanging.
    stopOnTerminationSignals: false,
    formatError: maskInternalError,
    logger: options.logger,
    plugins: [
      drainPlugin(httpServer, options.drainTimeoutMs ?? options.defaultDrainTimeoutMs),
      // Traces are for Apollo's hosted studio, which Tunet does not report to.
      ApolloServerPluginInlineTraceDisabled(),
      logUnexpectedErrors(options.logger),
      requestLog.plugin,
    ],
  });
  await apollo.start();

  app.use(
    '/graphql',
    // Above the gateway's limit: the gateway's own request plus its query plan wrapping.
    express.raw({ type: () => true, limit: '25mb' }),
    signed(),
    traceSubgraphRequests(definition.name, '/graphql', (res) => (res.locals.errorCodes as string[] | undefined) ?? []),
    requestLog.middleware,
    expressMiddleware(apollo, { context: async ({ res }) => requestLog.track(res, definition.createContext(res.locals.tunet as RequestContext)) }),
  );
  // Mounted even without routes, so every /internal path answers 401 unsigned and reveals nothing about which exist.
  app.use(
    '/internal',
    express.raw({ type: () => true, limit: '64kb' }),
    signed(),
    traceSubgraphRequests(definition.name, '/internal'),
    internalRouter(definition.internalRoutes ?? {}, options.logger),
  );
  // The body is signed as sent and handed to POST routes raw: only small forms (one-click unsubscribe) come here.
  app.use('/public', express.raw({ type: () => true, limit: '1kb' }), signed(false), publicRouter(definition.publicRoutes ?? {}, options.logger));
  // Mounted even without routes, like /internal: unsigned requests learn nothing about which streams exist.
  app.use('/stream', express.raw({ type: () => true, limit: '64kb' }), signed(), streamRouter(definition.streamRoutes ?? {}, probed.probe, options.logger));
  return serve(probed, apollo, options.port, options.host);
}

/**
 * A server span per signed request (decision 0060), a child of the caller's span from its `traceparent`: only after
 * the signature holds, so no one but the gateway and Tunet's processes can join or choose a trace. Never the path,
 * variables or the viewer: the subgraph, the request id and the error codes.
 */
function traceSubgraphRequests(subgraph: string, route: '/graphql' | '/internal', errorCodesOf?: (res: Response) => string[]): RequestHandler {
  return traceIncoming({
    route,
    continueTrace: true,
    attributes: { 'tunet.subgraph': subgraph },
    started(span, req, res) {
      span.setAttribute('tunet.request_id', (res.locals.tunet as RequestContext).requestId);
      // The route's name (`api-keys/verify`), which only Tunet's own processes, having signed the request, chose.
      if (route === '/internal') span.setAttribute('tunet.internal_route', req.path.slice(1, 65));
    },
    finished(span, res) {
      const codes = errorCodesOf?.(res) ?? [];
      if (codes.length > 0) span.setAttribute('tunet.graphql.error_codes', codes);
    },
  });
}

/** Dispatches `POST /stream/<name>`; mounted behind the gateway signature check. */
function streamRouter(routes: Record<string, StreamRoute>, probe: ProbeState, logger: Logger): RequestHandler {
  return async (req, res) => {
    const name = req.path.slice(1);
    const route = req.method === 'POST' && Object.hasOwn(routes, name) ? routes[name] : undefined;
    if (!route) return void res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
    if (!endOnDrain(probe, res, () => res.end())) {
      // The client retries, reaching a replica that is not going away. The gateway answers it as notifications'
      // outage; the reason is for anyone who calls this route without it.
      const extensions = { code: 'SERVICE_UNAVAILABLE', reason: 'SERVER_SHUTTING_DOWN' };
      return void res.status(503).json({ errors: [{ message: errorReasons.SERVER_SHUTTING_DOWN.en(), extensions }] });
    }
    const context = res.locals.tunet as RequestContext;
    try {
      await route(req, res, context);
    } catch (error) {
      // A write racing the end at shutdown or the client leaving is no fault; anything else is.
      if (!res.writableEnded && !res.destroyed) logger.error({ err: error, requestId: context.requestId, route: name }, 'stream route failed');
      if (!res.headersSent) res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    }
  };
}

/**
 * Subgraphs are useless when called directly: anything without a valid gateway signature over its method, path
 * and exact body, `_service` and `_entities` included, is refused with HTTP 401 before GraphQL sees it; so is a
 * valid signature whose nonce was already used (a replay, decision 0054).
 */
function requireGatewaySignature(secret: string, replays: SignatureReplayCache, logger: Logger, { jsonBody = true } = {}): RequestHandler {
  return async (req, res, next) => {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = verifyRequest(secret, { method: req.method, target: req.originalUrl, headers: req.headers, body });
    if (!verdict.ok) {
      logger.warn({ reason: verdict.reason, ip: req.ip }, 'rejected unsigned subgraph request');
      return void res.status(401).json({ errors: [{ message: 'Unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] });
    }
    // Only after the signature holds: unsigned requests cannot fill the cache or burn another request's nonce.
    // A replay is counted and logged (throttled) by the cache.
    if ((await replays.claim(verdict.nonce, Date.now(), { requestId: verdict.context.requestId, ip: req.ip })) === 'replayed') {
      const message = 'This signed request was already received; every request must be signed anew.';
      return void res.status(401).json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
    }
    res.locals.tunet = verdict.context;
    if (!jsonBody) return next();
    try {
      req.body = JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      return void res.status(400).json({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
    }
    // The gateway refuses these first (gateway/nul-characters.ts); this keeps internal routes' bodies from
    // PostgreSQL too. JSON can only carry U+0000 escaped, so most bodies are never walked.
    if (body.includes('\\u0000') && holdsNul(req.body)) {
      return void res.status(400).json({ errors: [{ message: 'A string contains the NUL character (U+0000).', extensions: { code: 'BAD_USER_INPUT' } }] });
    }
    next();
  };
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value && typeof value === 'object') return Object.values(value).some(holdsNul);
  return false;
}

function mergeResolvers(maps: object[]): GraphQLResolverMap<unknown> {
  const merged: Record<string, object> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map as Record<string, object>)) merged[type] = { ...merged[type], ...fields };
  }
  return merged as GraphQLResolverMap<unknown>;
}
