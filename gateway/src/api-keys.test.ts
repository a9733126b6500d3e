import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type FastStore, type VerifiedApiKey } from '@tunet/kit';
import type { GraphQLError } from 'graphql';
import { ApiKeyAuthenticator, verifyWithMembers, type VerifyApiKey } from './api-keys';

const KEY: VerifiedApiKey = {
  apiKeyId: '33333333-3333-4333-8333-333333333333',
  associationId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  scopes: ['members:read'],
};
const GOOD = 'tunet_0123abcd_good';
const caller = (clientIp = '10.0.0.1') => ({ requestId: 'r1', clientIp });

/** Members as the gateway sees it: one valid key, and a count of how often it was asked. */
function fakeMembers(): VerifyApiKey & { calls: number } {
  const verify = Object.assign(
    async (secret: string) => {
      verify.calls++;
      return secret === GOOD ? KEY : null;
    },
    { calls: 0 },
  );
  return verify;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: GraphQLError) => error.extensions,
  );

describe('API key authentication at the gateway', () => {
  let store: FastStore;
  beforeEach(() => {
    store = { kind: 'memory', namespace: 'test' };
  });

  it('makes the key an integration viewer in its association, with its scopes only', async () => {
    const viewer = await new ApiKeyAuthenticator(store, fakeMembers()).viewerFor(GOOD, caller());
    expect(viewer).toEqual({
      accountId: KEY.apiKeyId,
      associationId: KEY.associationId,
      memberId: null,
      role: null,
      platformAdmin: false,
      sessionId: null,
      integration: { apiKeyId: KEY.apiKeyId, scopes: ['members:read'] },
    });
  });

  it('asks members once per cache lifetime, for valid and unknown keys alike', async () => {
    // The embedded cache's clock, held still: a loaded runner once took longer than the 200 ms lifetime for four calls.
    let now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const members = fakeMembers();
      const keys = new ApiKeyAuthenticator(store, members, 0.2);
      await keys.viewerFor(GOOD, caller());
      await keys.viewerFor(GOOD, caller());
      expect(await failure(keys.viewerFor('tunet_unknown', caller()))).toMatchObject({ code: 'UNAUTHENTICATED', http: { status: 401 } });
      expect(await failure(keys.viewerFor('tunet_unknown', caller()))).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(members.calls).toBe(2);
      now += 199;
      await keys.viewerFor(GOOD, caller());
      expect(members.calls).toBe(2);
      now += 1;
      await keys.viewerFor(GOOD, caller());
      expect(members.calls).toBe(3);
    } finally {
      clock.mockRestore();
    }
  });

  it('blocks an address after 30 failed keys, even when the next one is right, and only that address', async () => {
    const keys = new ApiKeyAuthenticator(store, fakeMembers());
    for (let i = 0; i < 30; i++) await failure(keys.viewerFor(`tunet_guess${i}`, caller()));
    const blocked = await failure(keys.viewerFor(GOOD, caller()));
    expect(blocked).toMatchObject({ code: 'RATE_LIMITED', http: { status: 429 } });
    expect(blocked!.retryAfterSeconds).toBeGreaterThan(0);
    expect(await keys.viewerFor(GOOD, caller('10.0.0.2'))).toMatchObject({ associationId: KEY.associationId });
  });

  it('counts an IPv6 /64 as one address, so cycling through its addresses earns no fresh allowance', async () => {
    const keys = new ApiKeyAuthenticator(store, fakeMembers());
    for (let i = 0; i < 30; i++) await failure(keys.viewerFor(`tunet_guess${i}`, caller(`2001:db8:5:7::${(i + 1).toString(16)}`)));
    expect(await failure(keys.viewerFor(GOOD, caller('2001:db8:5:7::ffff')))).toMatchObject({ code: 'RATE_LIMITED' });
    expect(await keys.viewerFor(GOOD, caller('2001:db8:5:8::1'))).toMatchObject({ associationId: KEY.associationId });
  });

  it('fails the request, and caches nothing, when members cannot answer', async () => {
    let down = true;
    const keys = new ApiKeyAuthenticator(store, async () => {
      if (down) throw new Error('connection refused');
      return KEY;
    });
    await expect(keys.viewerFor(GOOD, caller())).rejects.toThrow('connection refused');
    down = false;
    expect(await keys.viewerFor(GOOD, caller())).toMatchObject({ accountId: KEY.apiKeyId });
  });

  it('tells the caller members is unreachable, not an internal error, when members refuses the connection or answers 5xx', async () => {
    const answering503: Server = createServer((_request, response) => response.writeHead(503).end());
    await new Promise<void>((resolve) => answering503.listen(0, '127.0.0.1', resolve));
    // A port just closed: nothing listens there, so the connection is refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    try {
      for (const url of [`http://127.0.0.1:${closedPort}/graphql`, `http://127.0.0.1:${(answering503.address() as AddressInfo).port}/graphql`]) {
        const verify = verifyWithMembers(() => url, 'secret', 2_000, createLogger('test'));
        expect(await failure(verify(GOOD, caller()))).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'SERVICE_UNREACHABLE', serviceName: 'members' });
      }
    } finally {
      await new Promise((resolve) => answering503.close(resolve));
    }
  });
});
