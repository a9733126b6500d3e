import type { ApolloServerPlugin } from '@apollo/server';
import {
  errorReasons,
  looksLikeApiKey,
  type AccessTokenVerifier,
  type RequestContext,
  type RevocationReader,
  type Suspension,
  type TokenHolder,
  type Viewer,
  UnknownAccessTokenKey,
} from '@tunet/kit';
import { GraphQLError, OperationTypeNode } from 'graphql';
import type { ApiKeyAuthenticator } from './api-keys';
import { closedAssociation, unauthenticated } from './request-errors';
import type { GatewayContext } from './signed-data-source';

export interface Authenticators {
  accessTokens: AccessTokenVerifier;
  apiKeys: ApiKeyAuthenticator;
  /** Ended sessions and suspended members (docs/decisions/0018). */
  revocations: RevocationReader;
}

export interface Authenticated {
  viewer: Viewer | null;
  /** The access token's holder and when it ends; null for API keys and anonymous requests. */
  token: { holder: TokenHolder; expiresAt: Date } | null;
  /** Set when the member was suspended after the token was issued: reads go on, writes are refused. */
  suspension: Suspension | null;
}

const ANONYMOUS: Authenticated = { viewer: null, token: null, suspension: null };

/**
 * No header means an anonymous request, which a few operations (login) allow. A header that is present but
 * wrong — bad signature, expired, wrong audience, a session that has ended, unknown or revoked API key, not a bearer
 * token — fails the whole request with UNAUTHENTICATED, so a client never gets a partial answer computed as someone
 * else or as nobody.
 */
export async function authenticate(
  authorization: string | undefined,
  authenticators: Authenticators,
  caller: Pick<RequestContext, 'requestId' | 'clientIp'>,
): Promise<Authenticated> {
  if (!authorization) return ANONYMOUS;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization);
  if (!match?.[1]) throw unauthenticated('AUTHORIZATION_MALFORMED');
  if (looksLikeApiKey(match[1])) {
    const viewer = await authenticators.apiKeys.viewerFor(match[1], caller);
    // The key's verification may be cached from before the association closed.
    const closure = viewer.associationId ? await authenticators.revocations.associationClosure(viewer.associationId) : null;
    if (closure) throw closedAssociation(closure);
    return { ...ANONYMOUS, viewer };
  }
  const verified = await authenticators.accessTokens.verifyToken(match[1]).catch((error: unknown) => {
    // An expired token is refreshed (also one of a key rotated out: kit reports it expired); a live one of a key rotated
    // out is refreshed too, or else logging in again; any other failure (signature, audience, shape) means logging in again.
    throw unauthenticated(tokenFailureReason(error));
  });
  const holder = holderOf(verified.viewer, verified.issuedAt);
  const standing = await authenticators.revocations.standing(holder);
  // Access closes with the association (blocked or terminated), also for tokens issued before (decision 0034).
  if (standing.associationClosed) throw closedAssociation(standing.associationClosed);
  // A token must not outlive its session: logout, a password change elsewhere or a replayed refresh token ended it.
  if (standing.sessionEnded) throw sessionEnded();
  // Issued before this gateway started, which has not read the revocations yet (Redis down since): refreshing asks
  // members' database, which knows ended sessions (decision 0062).
  if (standing.unverifiable) throw unauthenticated('TOKEN_EXPIRED');
  return { viewer: verified.viewer, token: { holder, expiresAt: verified.expiresAt }, suspension: standing.suspension };
}

function tokenFailureReason(error: unknown): 'TOKEN_EXPIRED' | 'TOKEN_KEY_UNKNOWN' | 'TOKEN_INVALID' {
  if (error instanceof UnknownAccessTokenKey) return 'TOKEN_KEY_UNKNOWN';
  return (error as { code?: unknown }).code === 'ERR_JWT_EXPIRED' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID';
}

export function holderOf(viewer: Viewer, issuedAt: Date): TokenHolder {
  return { sessionId: viewer.sessionId, associationId: viewer.associationId, memberId: viewer.memberId, issuedAt, support: viewer.support != null };
}

export function sessionEnded(): GraphQLError {
  return unauthenticated('SESSION_ENDED');
}

/** FORBIDDEN (403) MEMBERSHIP_SUSPENDED with why (`suspensionReason`) and until when, as login tells a suspended member. */
export function suspendedMember(suspension: Suspension): GraphQLError {
  const params = { suspensionReason: suspension.reason, until: suspension.until };
  return new GraphQLError(errorReasons.MEMBERSHIP_SUSPENDED.en(params), {
    extensions: { code: 'FORBIDDEN', reason: 'MEMBERSHIP_SUSPENDED', ...params, http: { status: 403 } },
  });
}

/**
 * A suspended member's still-valid access token keeps reading, as it did before suspensions were announced, but
 * writes nothing from the moment of the suspension: every mutation is refused before any subgraph is asked.
 */
export const suspendedWritesPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, contextValue }) {
        if (operation?.operation === OperationTypeNode.MUTATION && contextValue.suspension) throw suspendedMember(contextValue.suspension);
      },
    };
  },
};
