import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { failureOf, isIdempotentRead, MAX_RETRIES, nothingSent, retryDelayMs, shouldRetry, SubgraphUnreachable } from './subgraph-retries';

function fetchPlannedFor(operation: 'query' | 'mutation'): GraphQLDataSourceProcessOptions<object> {
  return { kind: 'incoming operation', incomingRequestContext: { operation: { operation } }, request: {}, context: {} } as never;
}

describe('which subgraph fetches are retried', () => {
  it('retries a fetch planned for a query, never one planned for a mutation or made outside a request', () => {
    expect(isIdempotentRead(fetchPlannedFor('query'))).toBe(true);
    expect(isIdempotentRead(fetchPlannedFor('mutation'))).toBe(false);
    expect(isIdempotentRead({ kind: 'health check', request: {}, context: {} } as never)).toBe(false);
  });

  it('retries at most twice, and only with time left for the pause and an attempt', () => {
    const retry = { read: true, retriesDone: 0, remainingMs: 5000, delayMs: 40 };
    expect(shouldRetry(retry)).toBe(true);
    expect(shouldRetry({ ...retry, read: false })).toBe(false);
    expect(shouldRetry({ ...retry, retriesDone: MAX_RETRIES - 1 })).toBe(true);
    expect(shouldRetry({ ...retry, retriesDone: MAX_RETRIES })).toBe(false);
    expect(shouldRetry({ ...retry, remainingMs: 139 })).toBe(false);
    expect(shouldRetry({ ...retry, remainingMs: 0 })).toBe(false);
  });

  it('pauses 25–50 ms before the first retry and 50–100 ms before the second', () => {
    expect([retryDelayMs(1, 0), retryDelayMs(1, 0.999)]).toEqual([25, 50]);
    expect([retryDelayMs(2, 0), retryDelayMs(2, 0.999)]).toEqual([50, 100]);
  });
});

describe('what counts as no answer', () => {
  it('is a timeout, an unreachable subgraph or a 502/503/504; a 500, a 4xx or a GraphQL error is an answer', () => {
    const httpError = (status: number) => new GraphQLError(`${status}`, { extensions: { response: { status } } });
    expect(failureOf(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe('timeout');
    expect(failureOf(new SubgraphUnreachable('refused'))).toBe('unreachable');
    expect(failureOf(httpError(502))).toBe('server-error');
    expect(failureOf(httpError(503))).toBe('server-error');
    expect(failureOf(httpError(504))).toBe('server-error');
    expect(failureOf(httpError(500))).toBeNull();
    expect(failureOf(httpError(403))).toBeNull();
    expect(failureOf(new GraphQLError('Not found', { extensions: { code: 'NOT_FOUND' } }))).toBeNull();
  });
});

describe('whether a failed fetch never reached the subgraph', () => {
  const unreachable = (code: string) => new SubgraphUnreachable('x', { cause: new TypeError('fetch failed', { cause: { code } }) });

  it('is so for a refused connection or an unknown host, not for a reset, a timeout or a 502', () => {
    expect(nothingSent(unreachable('ECONNREFUSED'))).toBe(true);
    expect(nothingSent(unreachable('ENOTFOUND'))).toBe(true);
    expect(nothingSent(unreachable('ECONNRESET'))).toBe(false);
    expect(nothingSent(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe(false);
    expect(nothingSent(new GraphQLError('502', { extensions: { response: { status: 502 } } }))).toBe(false);
  });
});
