import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { GraphQLFormattedError } from 'graphql';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { errorReasons } from './error-reasons';
import { isUnavailable } from './internal-routes';
import type { Logger } from './logger';
import { securityHeaders } from './security-headers';

export interface ProbeState {
  /** Set while shutting down, so load balancers stop sending traffic before in-flight requests finish. */
  draining: boolean;
  /** Ends the long-lived responses still open (event streams) when draining starts; see `endOnDrain`. */
  readonly onDrain: Set<() => void>;
}

/** An express app with the liveness and readiness probes every Tunet process serves. */
export function createProbedApp(
  isReady: () => Promise<void>,
  options: { hsts: boolean } = { hsts: process.env.NODE_ENV === 'production' },
): { app: Express; httpServer: http.Server; probe: ProbeState } {
  const app = express();
  const probe: ProbeState = { draining: false, onDrain: new Set() };
  app.disable('x-powered-by');
  app.use(securityHeaders(options));
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    if (probe.draining) return void res.status(503).json({ status: 'draining' });
    try {
      await isReady();
      res.json({ status: 'ready' });
    } catch (error) {
      res.status(503).json({ status: 'unavailable', reason: (error as Error).message });
    }
  });
  return { app, httpServer: http.createServer(app), probe };
}

/** Apollo's drain plugin's own default grace period, kept so an unset DRAIN_TIMEOUT_MS changes nothing. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/**
 * Apollo's drain with the grace period said out loud: after the server stops accepting connections, requests in
 * flight get `drainTimeoutMs` to finish, then their connections are closed.
 */
export function drainPlugin(httpServer: http.Server, drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS): ApolloServerPlugin {
  return ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: drainTimeoutMs });
}

export interface RunningServer {
  url: string;
  port: number;
  /**
   * Turns readiness off at once, keeps serving for `delayMs` (default 0) so load balancers see it and send no more
   * traffic, then stops accepting connections, lets in-flight requests finish, and resolves. A promise instead of
   * `delayMs` serves until it settles: tests that need a request answered while draining, on a loaded machine too.
   */
  stop(delayMs?: number | Promise<unknown>): Promise<void>;
  /**
   * Stops at once as a crash would: every open connection is cut, requests in flight included, then it stops. For
   * tests of an outage (the stack's `outage`); a deployment stops with `stop`.
   */
  kill?(): Promise<void>;
}

/**
 * Finishes a probed app whose routes are all mounted: JSON errors for unknown routes and unreadable bodies,
 * listening, and a stop that turns readiness off before Apollo drains the HTTP server.
 */
export async function serve(
  probed: { app: Express; httpServer: http.Server; probe: ProbeState },
  apollo: { stop(): Promise<void> },
  port: number,
  host = '127.0.0.1',
): Promise<RunningServer> {
  probed.app.use(notFoundHandler, malformedBodyHandler);
  const bound = await new Promise<number>((resolve, reject) => {
    probed.httpServer.once('error', reject);
    probed.httpServer.listen(port, host, () => resolve((probed.httpServer.address() as AddressInfo).port));
  });
  return {
    url: `http://${host}:${bound}/graphql`,
    port: bound,
    async stop(delayMs = 0) {
      probed.probe.draining = true;
      for (const end of probed.probe.onDrain) end();
      await (typeof delayMs === 'number' ? sleep(delayMs) : delayMs);
      await apollo.stop();
    },
    async kill() {
      probed.probe.draining = true;
      probed.httpServer.closeAllConnections();
      await apollo.stop();
    },
  };
}

/**
 * Keeps a long-lived response (an event stream) from holding up shutdown, which would otherwise wait it out for the
 * whole drain grace period: `end` runs when draining starts. Clients of an ended stream reconnect, to another
 * replica. Returns false, registering nothing, when the server is draining already: refuse the request then.
 */
export function endOnDrain(probe: ProbeState, res: http.ServerResponse, end: () => void): boolean {
  if (probe.draining) return false;
  probe.onDrain.add(end);
  res.once('close', () => probe.onDrain.delete(end));
  return true;
}

/** Every route is mounted before this: anything else is a JSON 404, never express's HTML page. */
const notFoundHandler: RequestHandler = (_req, res) => {
  res.status(404).json({ errors: [{ message: 'There is nothing at this address.', extensions: { code: 'NOT_FOUND' } }] });
};

/** What body-parser's error types (`error.type`) mean to a client. */
const BODY_ERRORS: Record<string, { code: string; message: string }> = {
  'entity.parse.failed': { code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' },
  'entity.too.large': { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' },
  'charset.unsupported': { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request body must be UTF-8 (charset=utf-8).' },
  'encoding.unsupported': { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The Content-Encoding is not supported: send gzip, deflate, br or none.' },
};

/** Unreadable request bodies are the client's fault: a 4xx with a GraphQL-shaped error saying why, never HTML. */
const malformedBodyHandler: ErrorRequestHandler = (error, _req, res, next) => {
  const { status, type } = error as { status?: number; type?: string };
  if (status && status >= 400 && status < 500) {
    const known = BODY_ERRORS[type ?? ''] ?? { code: 'BAD_REQUEST', message: 'The request body could not be read.' };
    return void res.status(status).json({ errors: [{ message: known.message, extensions: { code: known.code } }] });
  }
  next(error);
};

/**
 * Errors the code did not mean to show (bugs, lost connections) reach clients without details or stacks. One that says
 * another Tunet process could not be asked (kit `isUnavailable`) is SERVICE_UNAVAILABLE instead: the client may try
 * again shortly, and nothing about the request was wrong (reason DEPENDENCY_UNAVAILABLE: the gateway renders it in the
 * caller's language).
 */
export function maskInternalError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
  // Apollo hands the GraphQLError wrapping what the resolver threw.
  if (isUnavailable((error as { originalError?: unknown } | undefined)?.originalError)) {
    return {
      message: errorReasons.DEPENDENCY_UNAVAILABLE.en(),
      path: formatted.path,
      extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'DEPENDENCY_UNAVAILABLE' },
    };
  }
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** Logs every unexpected resolver error with the request id, which is also what clients can quote to support. */
export function logUnexpectedErrors<T extends BaseContext & { requestId: string }>(logger: Logger): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (error.extensions?.code && error.extensions.code !== 'INTERNAL_SERVER_ERROR') continue;
            const subgraph = error.extensions?.serviceName;
            if (typeof subgraph === 'string') {
              // In the gateway: the subgraph masked its error and logged the cause under the same request id.
              const { requestId } = contextValue;
              logger.error({ requestId, subgraph, path: error.path, message: error.message }, 'subgraph failed; its log has the cause under this requestId');
              continue;
            }
            logger.error({ err: error.originalError ?? error, requestId: contextValue.requestId, path: error.path }, 'unexpected error');
          }
        },
      };
    },
  };
}
