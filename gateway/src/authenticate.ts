import { looksLikeApiKey, type AccessTokenVerifier, type RequestContext, type Viewer } from '@tunet/kit';
import type { ApiKeyAuthenticator } from './api-keys';
import { unauthenticated } from './request-errors';

export interface Authenticators {
  accessTokens: AccessTokenVerifier;
  apiKeys: ApiKeyAuthenticator;
}

/**
 * No header means an anonymous request, which a few operations (login) allow. A header that is present but
 * wrong — bad signature, expired, wrong audience, unknown or revoked API key, not a bearer token — fails the
 * whole request with UNAUTHENTICATED, so a client never gets a partial answer computed as someone else or as nobody.
 */
export async function authenticate(
  authorization: string | undefined,
  authenticators: Authenticators,
  caller: Pick<RequestContext, 'requestId' | 'clientIp'>,
): Promise<Viewer | null> {
  if (!authorization) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization);
  if (!match?.[1]) throw unauthenticated('The Authorization header must be `Bearer <access token or API key>`.');
  if (looksLikeApiKey(match[1])) return authenticators.apiKeys.viewerFor(match[1], caller);
  try {
    return await authenticators.accessTokens.verify(match[1]);
  } catch {
    throw unauthenticated('The access token is invalid or has expired. Refresh the session or log in again.');
  }
}
