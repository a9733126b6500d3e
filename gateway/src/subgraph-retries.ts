import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { OperationTypeNode } from 'graphql';
import { isTimeout } from './subgraph-timeouts';

/**
 * Retries of subgraph fetches (decision 0055): only for a fetch planned for a query, whose repetition changes
 * nothing; never for one planned for a mutation (not even the `_entities` reads after it: the operation decides).
 * At most two more attempts, after a short jittered pause, and only while the subgraph's time budget lasts.
 */
export const MAX_RETRIES = 2;

/** Why a subgraph gave no answer; anything else it sent back (a GraphQL error, a 4xx) is an answer. */
export type SubgraphFailure = 'timeout' | 'unreachable' | 'server-error';

/** A fetch that got no HTTP response at all: refused, reset, unknown host. */
export class SubgraphUnreachable extends Error {
  override readonly name = 'SubgraphUnreachable';
}

/**
 * The statuses of a subgraph that is not there (a load balancer's 502/504, an overloaded or draining 503). A plain
 * 500 is an answer: a bug that a query reproduces, which retries would multiply and which must not open the breaker
 * for everyone when one caller finds such a query.
 */
const GATEWAY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

export function failureOf(error: unknown): SubgraphFailure | null {
  if (isTimeout(error)) return 'timeout';
  if (error instanceof SubgraphUnreachable) return 'unreachable';
  const status = (error as { extensions?: { response?: { status?: unknown } } } | undefined)?.extensions?.response?.status;
  return typeof status === 'number' && noSubgraphBehind(status) ? 'server-error' : null;
}

/** Whether an HTTP status says no subgraph answered (GATEWAY_STATUSES) rather than the subgraph itself. */
export function noSubgraphBehind(status: number): boolean {
  return GATEWAY_STATUSES.has(status);
}

/** Connection errors raised before a byte of the request left: refused, unknown host. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether a failed fetch certainly never reached the subgraph, so a mutation it carried did not happen: the
 * connection was refused or the host unknown. A reset, a timeout or a 502/504 may come after the subgraph did the work.
 */
export function nothingSent(error: unknown): boolean {
  if (!(error instanceof SubgraphUnreachable)) return false;
  const fetchError = error.cause as { cause?: { code?: unknown } } | undefined;
  const code = fetchError?.cause?.code;
  return typeof code === 'string' && NOT_SENT_CODES.has(code);
}

/** Whether the incoming operation this fetch was planned for is a query (a health check or schema load is none). */
export function isIdempotentRead(options: GraphQLDataSourceProcessOptions<object>): boolean {
  return 'incomingRequestContext' in options && options.incomingRequestContext.operation?.operation === OperationTypeNode.QUERY;
}

/** The pause before retry number `retry` (1, 2): 25–50 ms, then 50–100 ms; `random` in [0, 1). */
export function retryDelayMs(retry: number, random: number = Math.random()): number {
  const ceiling = 50 * 2 ** (retry - 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/**
 * Whether to try again after a failure: a query, retries left, and time for the pause plus a useful attempt
 * (a timed-out attempt has spent the budget, so a timeout is in effect never retried).
 */
export function shouldRetry(input: { read: boolean; retriesDone: number; remainingMs: number; delayMs: number }): boolean {
  return input.read && input.retriesDone < MAX_RETRIES && input.remainingMs - input.delayMs >= MIN_ATTEMPT_MS;
}

/** Less time than this left is not worth another attempt. */
export const MIN_ATTEMPT_MS = 100;
