import { GraphQLError } from 'graphql';
import type { ErrorReason } from './error-reasons';

/** The error codes clients can rely on; see the README's error table. */
export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'FEATURE_NOT_SUBSCRIBED' | 'RATE_LIMITED';

/** The reason a refusal carries when its thrower named no more specific one (see errorReasons' generic entries). */
const GENERIC_REASONS: Record<ErrorCode, ErrorReason> = {
  BAD_USER_INPUT: 'INVALID_VALUE',
  UNAUTHENTICATED: 'NOT_LOGGED_IN',
  FORBIDDEN: 'NOT_ALLOWED',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'STATE_CONFLICT',
  FEATURE_NOT_SUBSCRIBED: 'FEATURE_NOT_SUBSCRIBED',
  RATE_LIMITED: 'RATE_LIMITED',
};

/**
 * Errors travel inside a 200 response: a subgraph that answered with another status would have its error
 * replaced by a generic one at the gateway. Only the gateway sets HTTP statuses (see gateway/authenticate).
 * Every refusal carries `extensions.reason`: the one in `extra`, or the generic one of its code. New refusals use
 * `refuse(reason, params, field)` (error-reasons.ts) instead, whose message is rendered from the reason.
 */
export function fail(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, reason: GENERIC_REASONS[code], ...extra } });
}

export const badUserInput = (field: string, message: string) => fail('BAD_USER_INPUT', message, { field });
export const unauthenticated = (message = 'You must be logged in.') => fail('UNAUTHENTICATED', message);
export const forbidden = (message = 'You are not allowed to do this.', extra: Record<string, unknown> = {}) => fail('FORBIDDEN', message, extra);
export const notFound = (what: string) => fail('NOT_FOUND', `${what} was not found.`, { entity: what });
export const conflict = (message: string) => fail('CONFLICT', message);
export const rateLimited = (retryAfterSeconds: number) =>
  fail('RATE_LIMITED', `Too many attempts. Try again in ${retryAfterSeconds} ${retryAfterSeconds === 1 ? 'second' : 'seconds'}.`, { retryAfterSeconds });
