import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import { GraphQLError } from 'graphql';
import { gatewayErrors, gatewayRequestDuration, gatewayRequests, type Logger } from '@tunet/kit';
import manifest from '../../clients/__generated__/persisted-query-manifest.json';

/** The label of a request whose operation was never resolved: a body that does not parse or validate, or a refused caller. */
export const NO_OPERATION = '(none)';
/** The label of an operation without a name. */
export const ANONYMOUS_OPERATION = '(anonymous)';
/** The label of every operation name that is not a first-party one, and of every error code past the bound. */
export const OTHER_LABEL = '(other)';

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * The names of the first-party operations (clients/operations, listed in the manifest `npm run trusted-documents`
 * writes). The JSON is bundled into the built gateway, so dist/ needs no clients/ folder.
 */
export const FIRST_PARTY_OPERATIONS: ReadonlySet<string> = new Set(manifest.operations.map((operation) => operation.name));

/**
 * Operation names come from clients, so a label per name would let anyone grow the metrics without end, and a first
 * come, first labelled bound would let anyone take every label with junk names right after a deploy: only the
 * first-party operations keep their own label; every other name is OTHER_LABEL.
 */
export class OperationLabels {
  constructor(private readonly names: ReadonlySet<string> = FIRST_PARTY_OPERATIONS) {}

  label(name: string | null | undefined): string {
    if (!name) return ANONYMOUS_OPERATION;
    return this.names.has(name) ? name : OTHER_LABEL;
  }
}

/**
 * Error codes, which subgraphs choose: the first `max` distinct codes keep their own label, any later one, and
 * anything that is not a GraphQL name, is OTHER_LABEL.
 */
export class BoundedLabels {
  private readonly known = new Set<string>();

  constructor(private readonly max: number) {}

  label(value: string | null | undefined, missing = ANONYMOUS_OPERATION): string {
    if (!value) return missing;
    if (!GRAPHQL_NAME.test(value)) return OTHER_LABEL;
    if (this.known.has(value)) return value;
    if (this.known.size >= this.max) return OTHER_LABEL;
    this.known.add(value);
    return value;
  }
}

/** Codes a client may retry on or should not have caused: the request failed on Tunet's side. */
const SERVER_CODES: ReadonlySet<string> = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']);

/** ok, client_error or server_error, from the HTTP status and the error codes of the answer. */
export function outcomeOf(status: number, codes: readonly string[]): 'ok' | 'client_error' | 'server_error' {
  if (status >= 500 || codes.some((code) => SERVER_CODES.has(code))) return 'server_error';
  if (status >= 400 || codes.length > 0) return 'client_error';
  return 'ok';
}

interface Observation {
  operationName: string | null;
  resolved: boolean;
  codes: string[];
}

/**
 * The request id the metrics middleware gave this request (one id for the whole request: logs, `x-request-id`,
 * subgraph calls); a fresh one if the middleware did not run.
 */
export function requestIdOf(res: Pick<Response, 'locals'> | undefined): string {
  const requestId: unknown = res?.locals.requestId;
  return typeof requestId === 'string' ? requestId : randomUUID();
}

/**
 * Wraps the gateway's context function: an error other than a GraphQL refusal (a bug, a dependency that threw) is
 * masked to the client as INTERNAL_SERVER_ERROR and no Apollo hook sees the request, so its cause is logged here,
 * with the request id the client is shown.
 */
export function logContextFailures<A extends { res: Pick<Response, 'locals'> }, T>(logger: Logger, build: (args: A) => Promise<T>): (args: A) => Promise<T> {
  return async (args) => {
    try {
      return await build(args);
    } catch (error) {
      if (!(error instanceof GraphQLError)) logger.error({ err: error, requestId: requestIdOf(args.res) }, 'building the request context failed');
      throw error;
    }
  };
}

/**
 * Counts, times and logs every `/graphql` request, once its answer is sent: one `request` log line (request id,
 * operation name, duration, HTTP status, error codes; never variables or tokens) and the tunet_gateway_* metrics.
 * `middleware` goes in front of everything on `/graphql` (so refusals before GraphQL count too): it gives the request
 * its id (`res.locals.requestId`, sent as `x-request-id`; the context reads it with requestIdOf) and an observation
 * that it drops when the response closes, however it closes; `plugin` only fills the observation of its request id,
 * so a client gone while the context was built leaves nothing behind.
 */
export class RequestMetrics {
  private readonly codes = new BoundedLabels(100);
  private readonly observations = new Map<string, Observation>();

  constructor(
    private readonly logger: Logger,
    private readonly operations = new OperationLabels(),
  ) {}

  /** Requests observed and not yet answered (their responses still open). */
  get inFlight(): number {
    return this.observations.size;
  }

  readonly middleware: RequestHandler = (_req, res, next) => {
    const started = performance.now();
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    this.observations.set(requestId, { operationName: null, resolved: false, codes: [] });
    res.once('close', () => {
      const observed = this.observations.get(requestId);
      this.observations.delete(requestId);
      this.record(res.statusCode, (performance.now() - started) / 1000, observed, requestId);
    });
    next();
  };

  readonly plugin: ApolloServerPlugin<{ requestId: string }> = {
    requestDidStart: async ({ contextValue }) => {
      const observation = this.observations.get(contextValue.requestId);
      if (!observation) return {};
      return {
        async didResolveOperation({ operation, operationName }) {
          observation.resolved = operation !== undefined;
          observation.operationName = operationName ?? null;
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            const code = error.extensions?.code;
            observation.codes.push(typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR');
          }
        },
      };
    },
  };

  private record(status: number, seconds: number, observed: Observation | undefined, requestId: string | undefined): void {
    const codes = observed?.codes ?? [];
    const operation = observed?.resolved ? this.operations.label(observed.operationName) : NO_OPERATION;
    const outcome = outcomeOf(status, codes);
    gatewayRequests.inc({ operation, outcome });
    gatewayRequestDuration.observe({ operation }, seconds);
    for (const code of codes) gatewayErrors.inc({ operation, code: this.codes.label(code, OTHER_LABEL) });
    if (codes.length === 0 && status >= 400) gatewayErrors.inc({ operation, code: `HTTP_${status}` });
    this.logger.info(
      {
        requestId,
        operationName: observed?.operationName?.slice(0, 100) ?? null,
        durationMs: Math.round(seconds * 10_000) / 10,
        status,
        outcome,
        errorCodes: [...new Set(codes)],
      },
      'request',
    );
  }
}
