import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Logger } from './logger';

export interface ProbeState {
  /** Set while shutting down, so load balancers stop sending traffic before in-flight requests finish. */
  draining: boolean;
  /** Ends the long-lived responses still open (event streams) when draining starts; see `endOnDrain`. */
  readonly onDrain: Set<() => void>;
}

/** An express app with the liveness and readiness probes every Tunet process serves. */
export function createProbedApp(isReady: () => Promise<void>): { app: Express; httpServer: http.Server; probe: ProbeState } {
  const app = express();
  const probe: ProbeState = { draining: false, onDrain: new Set() };
  app.disable('x-powered-by');
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

export interface RunningServer {
  url: string;
  port: number;
  /**
   * Turns readiness off at once, keeps serving for `delayMs` (default 0) so load balancers see it and send no more
   * traffic, then stops accepting connections, lets in-flight requests finish, and resolves.
   */
  stop(delayMs?: number): Promise<void>;
}

/**
 * Finishes a probed app whose GraphQL route is mounted: JSON errors for unparseable bodies, listening, and a stop
 * that turns readiness off before Apollo drains the HTTP server.
 */
export async function serve(
  probed: { app: Express; httpServer: http.Server; probe: ProbeState },
  apollo: { stop(): Promise<void> },
  port: number,
  host = '127.0.0.1',
): Promise<RunningServer> {
  probed.app.use(malformedBodyHandler);
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
      await sleep(delayMs);
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

/** Unparseable request bodies are the client's fault: HTTP 400 with a GraphQL-shaped error, never HTML. */
const malformedBodyHandler: ErrorRequestHandler = (error, _req, res, next) => {
  const status = (error as { status?: number }).status;
  if (status && status >= 400 && status < 500) {
    return void res.status(status).json({
      errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }],
    });
  }
  next(error);
};

/** Errors the code did not mean to show (bugs, lost connections) reach clients without details or stacks. */
export function maskInternalError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
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
            logger.error({ err: error.originalError ?? error, requestId: contextValue.requestId }, 'unexpected error');
          }
        },
      };
    },
  };
}
