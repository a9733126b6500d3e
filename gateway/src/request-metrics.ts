import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { gatewayErrors, gatewayRequestDuration, gatewayRequests, type Logger } from '@tunet/kit';

/** The label of a request whose operation was never resolved: a body that does not parse or validate, or a refused caller. */
export const NO_OPERATION = '(none)';
/** The label of an operation without a name. */
export const ANONYMOUS_OPERATION = '(anonymous)';
/** The label of every name past the bound, and of a name that is no GraphQL name. */
export const OTHER_LABEL = '(other)';

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * Operation names come from clients, so a label per name would let anyone grow the metrics without end: the first
 * `max` distinct names (of operations that resolved against the schema) keep their own label, any later one, and
 * anything that is not a GraphQL name, is OTHER_LABEL. Error codes, which subgraphs choose, are bounded the same way.
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
 * Counts, times and logs every `/graphql` request, once its answer is sent: one `request` log line (request id,
 * operation name, duration, HTTP status, error codes; never variables or tokens) and the tunet_gateway_* metrics.
 * `middleware` goes in front of everything on `/graphql` (so refusals before GraphQL count too); `plugin` tells it
 * the operation and the errors, matched by the request id the context sets as `x-request-id`.
 */
export class RequestMetrics {
  private readonly operations = new BoundedLabels(500);
  private readonly codes = new BoundedLabels(100);
  private readonly observations = new Map<string, Observation>();

  constructor(private readonly logger: Logger) {}

  readonly middleware: RequestHandler = (_req, res, next) => {
    const started = performance.now();
    res.once('close', () => {
      const requestId = res.getHeader('x-request-id');
      const observed = typeof requestId === 'string' ? this.observations.get(requestId) : undefined;
      if (typeof requestId === 'string') this.observations.delete(requestId);
      this.record(res.statusCode, (performance.now() - started) / 1000, observed, typeof requestId === 'string' ? requestId : undefined);
    });
    next();
  };

  readonly plugin: ApolloServerPlugin<{ requestId: string }> = {
    requestDidStart: async ({ contextValue }) => {
      const observation: Observation = { operationName: null, resolved: false, codes: [] };
      this.observations.set(contextValue.requestId, observation);
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
