import { GraphQLError } from 'graphql';

/** The error codes clients can rely on; see the README's error table. */
export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'FEATURE_NOT_SUBSCRIBED' | 'RATE_LIMITED';

/**
 * Errors travel inside a 200 response: a subgraph that answered with another status would have its error
 * replaced by a generic one at the gateway. Only the gateway sets HTTP statuses (see gateway/authenticate).
 */
export function fail(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const badUserInput = (field: string, message: string) => fail('BAD_USER_INPUT', message, { field });
export const unauthenticated = (message = 'You must be logged in.') => fail('UNAUTHENTICATED', message);
export const forbidden = (message = 'You are not allowed to do this.', extra: Record<string, unknown> = {}) => fail('FORBIDDEN', message, extra);
export const notFound = (what: string) => fail('NOT_FOUND', `${what} was not found.`);
export const conflict = (message: string) => fail('CONFLICT', message);
export const rateLimited = (retryAfterSeconds: number) =>
  fail('RATE_LIMITED', `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
