import type { AccessTokenVerifier, Viewer } from '@tunet/kit';
import { GraphQLError } from 'graphql';

/**
 * No header means an anonymous request, which a few operations (login) allow. A header that is present but
 * wrong — bad signature, expired, wrong audience, not a bearer token — fails the whole request with
 * UNAUTHENTICATED, so a client never gets a partial answer computed as someone else or as nobody.
 */
export async function authenticate(authorization: string | undefined, verifier: AccessTokenVerifier): Promise<Viewer | null> {
  if (!authorization) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization);
  if (!match?.[1]) throw unauthenticated('The Authorization header must be `Bearer <access token>`.');
  try {
    return await verifier.verify(match[1]);
  } catch {
    throw unauthenticated('The access token is invalid or has expired. Refresh the session or log in again.');
  }
}

/** Fails the request before execution, so the status is a real HTTP 401 and there is no data at all. */
function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}
