import { associationClosed, errorReasons, type AssociationClosedStatus, type ErrorReason, type ReasonParams } from '@tunet/kit';
import { GraphQLError } from 'graphql';

/**
 * Errors that fail a request before execution, so the HTTP status is real and there is no data at all: a client
 * never gets a partial answer computed as someone else or as nobody.
 */
export function unauthenticated(reason: ErrorReason, params: ReasonParams = {}): GraphQLError {
  const message = errorReasons[reason].en(params);
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', reason, ...params, http: { status: 401 } } });
}

/**
 * HTTP 429 with Retry-After: too many attempts of one thing (RATE_LIMITED: API key guesses), or a caller over its
 * requests a minute (TOO_MANY_REQUESTS, decision 0053).
 */
export function rateLimited(retryAfterSeconds: number, reason: 'RATE_LIMITED' | 'TOO_MANY_REQUESTS' = 'RATE_LIMITED'): GraphQLError {
  return new GraphQLError(errorReasons[reason].en({ retryAfterSeconds }), {
    extensions: {
      code: 'RATE_LIMITED',
      reason,
      retryAfterSeconds,
      http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
    },
  });
}

/**
 * A subgraph the whole request depends on did not answer in time, or could not be reached or its circuit breaker is
 * open (HTTP 504): nothing was refused, try again. Its reason renders the message in the caller's language.
 */
export function serviceUnavailable(subgraph: string, why: 'timeout' | 'unreachable' = 'timeout'): GraphQLError {
  const reason = why === 'timeout' ? 'SERVICE_TIMED_OUT' : 'SERVICE_UNREACHABLE';
  const params = { serviceName: subgraph };
  return new GraphQLError(errorReasons[reason].en(params), {
    extensions: { code: 'SERVICE_UNAVAILABLE', reason, ...params, http: { status: 504 } },
  });
}

/** FORBIDDEN (403) with ASSOCIATION_BLOCKED or ASSOCIATION_TERMINATED, as members tells a login or refresh (decision 0034). */
export function closedAssociation(closure: AssociationClosedStatus | { status: AssociationClosedStatus }): GraphQLError {
  return associationClosed(typeof closure === 'string' ? closure : closure.status, { http: { status: 403 } });
}
