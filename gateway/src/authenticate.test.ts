import { randomUUID } from 'node:crypto';
import type { AccessTokenVerifier, RevocationReader, Standing, Viewer } from '@tunet/kit';
import type { GraphQLError } from 'graphql';
import { authenticate, type Authenticators } from './authenticate';
import type { ApiKeyAuthenticator } from './api-keys';

const viewer: Viewer = {
  accountId: randomUUID(),
  associationId: randomUUID(),
  memberId: randomUUID(),
  role: 'resident',
  platformAdmin: false,
  sessionId: randomUUID(),
};
const caller = { requestId: 'r1', clientIp: '127.0.0.1' };

/** A valid token for `viewer`, read against revocations that answer `standing`. */
function authenticators(standing: Standing): Authenticators {
  const issuedAt = new Date(Date.now() - 60_000);
  return {
    accessTokens: { verifyToken: async () => ({ viewer, issuedAt, expiresAt: new Date(Date.now() + 600_000) }) } as unknown as AccessTokenVerifier,
    apiKeys: {} as ApiKeyAuthenticator,
    revocations: { standing: async () => standing } as unknown as RevocationReader,
  };
}

const live: Standing = { sessionEnded: false, suspension: null, associationClosed: null, unverifiable: false };

describe('authenticate with the revocations unread since the start (decision 0062)', () => {
  it('answers a token the revocations cannot vouch for as expired, so the client refreshes', async () => {
    const refused = (await authenticate('Bearer a.b.c', authenticators({ ...live, unverifiable: true }), caller).catch(
      (error: unknown) => error,
    )) as GraphQLError;
    expect(refused.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
    expect((await authenticate('Bearer a.b.c', authenticators(live), caller)).viewer).toEqual(viewer);
  });
});
