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

export function failureOf(error: unknown): SubgraphFailure | null {
  if (isTimeout(error)) return 'timeout';
  if (error instanceof SubgraphUnreachable) return 'unreachable';
  const status = (error as { extensions?: { response?: { status?: unknown } } } | undefined)?.extensions?.response?.status;
  return typeof status === 'number' && status >= 500 ? 'server-error' : null;
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
