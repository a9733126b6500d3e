import { request } from 'node:http';
import { DEMO, DEMO_PASSWORD } from '@tunet/members';
import { eventually } from '@tunet/kit/src/events/events.fixtures';
import { INBOX_SUBSCRIPTION, openStream, type OpenStream, type StreamEvent } from '@tunet/notifications/src/live/live.fixtures';
import { codes, openE2E, type E2E } from './e2e.fixtures';

const ME = '{ me { id } }';
const UPDATE_PROFILE = 'mutation { updateMyProfile(input: { occupation: "Snekker" }) { member { id } } }';
const LOGOUT = 'mutation ($t: String!) { logout(input: { refreshToken: $t }) { loggedOut } }';
const REFRESH = 'mutation ($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken refreshToken } }';
const CHANGE_PASSWORD = 'mutation ($i: ChangePasswordInput!) { changePassword(input: $i) { endedSessions } }';
const SUSPEND = 'mutation ($id: ID!) { suspendMember(input: { memberId: $id, reason: "Brudd på husordensreglene" }) { member { id } } }';
const REINSTATE = 'mutation ($id: ID!) { reinstateMember(input: { memberId: $id }) { member { id } } }';

/** Whether the stream's last events say why it ended: a GraphQL error with the code, then `complete`, then the end. */
async function endsWith(stream: OpenStream, code: string): Promise<void> {
  const events: StreamEvent[] = [];
  for (;;) {
    const event = await stream.events!.next();
    if (!event) break;
    events.push(event);
  }
  expect(events.slice(-2)).toEqual([
    { event: 'next', data: { errors: [expect.objectContaining({ extensions: expect.objectContaining({ code }) })] } },
    { event: 'complete', data: null },
  ]);
}

describe('ending sessions and suspending members through the gateway', () => {
  let e2e: E2E;
  let board: string;
  const opened: OpenStream[] = [];

  beforeAll(async () => {
    e2e = await openE2E();
    board = (await e2e.login('kari@solbakken.example')).accessToken;
  });
  afterAll(async () => {
    await e2e?.close();
  });
  afterEach(async () => {
    for (const stream of opened.splice(0)) stream.close();
    await eventually(() => expect(e2e.stack.notifications.live.subscriptions).toBe(0));
  });

  const open = async (token: string, query = INBOX_SUBSCRIPTION) => {
    const url = new URL('/graphql/stream', e2e.stack.gatewayUrl).toString();
    const stream = await openStream(url, { authorization: `Bearer ${token}` }, JSON.stringify({ query }));
    opened.push(stream);
    return stream;
  };
  /** A stream that has answered its first event, so the subgraph holds its subscription. */
  const openLive = async (token: string) => {
    const stream = await open(token);
    expect(stream.response.status).toBe(200);
    expect(await stream.events!.next()).toMatchObject({ event: 'next' });
    return stream;
  };

  it('refuses a logged-out access token at once, and ends its open stream', async () => {
    const session = await e2e.login('ola@solbakken.example');
    const other = await e2e.login('ola@solbakken.example');
    const stream = await openLive(session.accessToken);

    expect((await e2e.gql(LOGOUT, { t: session.refreshToken })).data).toEqual({ logout: { loggedOut: true } });

    const after = await e2e.gql(ME, {}, session.accessToken);
    expect(after.status).toBe(401);
    expect(codes(after)).toEqual(['UNAUTHENTICATED']);
    await endsWith(stream, 'UNAUTHENTICATED');
    expect((await open(session.accessToken)).response.status).toBe(401);
    // Only that session ended: the same person's other login goes on.
    expect((await e2e.gql(ME, {}, other.accessToken)).errors).toBeUndefined();
  });

  it('refuses the access tokens of a session ended by a replayed refresh token', async () => {
    const first = await e2e.login('ingrid@solbakken.example');
    const second = await e2e.gql<{ refreshSession: { accessToken: string } }>(REFRESH, { t: first.refreshToken });
    const current = second.data!.refreshSession.accessToken;
    expect((await e2e.gql(ME, {}, current)).errors).toBeUndefined();

    expect(codes(await e2e.gql(REFRESH, { t: first.refreshToken }))).toEqual(['UNAUTHENTICATED']);

    expect(codes(await e2e.gql(ME, {}, current))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await e2e.gql(ME, {}, first.accessToken))).toEqual(['UNAUTHENTICATED']);
  });

  it("ends the account's other sessions and their streams on a password change, and keeps the current one", async () => {
    const phone = await e2e.login('jonas@solbakken.example');
    const laptop = await e2e.login('jonas@solbakken.example');
    const stream = await openLive(phone.accessToken);

    const changed = await e2e.gql(CHANGE_PASSWORD, { i: { currentPassword: DEMO_PASSWORD, newPassword: 'et-nytt-passord-2026' } }, laptop.accessToken);
    expect(changed.data).toEqual({ changePassword: { endedSessions: 1 } });

    expect(codes(await e2e.gql(ME, {}, phone.accessToken))).toEqual(['UNAUTHENTICATED']);
    await endsWith(stream, 'UNAUTHENTICATED');
    expect((await e2e.gql(ME, {}, laptop.accessToken)).errors).toBeUndefined();
  });

  it("refuses a suspended member's writes at once, still answers their reads, and ends their stream", async () => {
    const aase = (await e2e.login('aase@solbakken.example')).accessToken;
    const stream = await openLive(aase);
    expect((await e2e.gql(UPDATE_PROFILE, {}, aase)).errors).toBeUndefined();

    expect((await e2e.gql(SUSPEND, { id: DEMO.aase }, board)).errors).toBeUndefined();

    const write = await e2e.gql(UPDATE_PROFILE, {}, aase);
    expect(write.status).toBe(403);
    expect(write.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('Brudd på husordensreglene'), extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
    expect(write.data ?? null).toBeNull();
    expect((await e2e.gql(ME, {}, aase)).data).toEqual({ me: { id: DEMO.aase } });
    await endsWith(stream, 'FORBIDDEN');
    const refused = await open(aase);
    expect(refused.response.status).toBe(403);
    expect(await refused.response.json()).toEqual({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })] });

    expect((await e2e.gql(REINSTATE, { id: DEMO.aase }, board)).errors).toBeUndefined();
    expect((await e2e.gql(UPDATE_PROFILE, {}, aase)).errors).toBeUndefined();
  });

  it('refuses the sixth open stream of one person with RATE_LIMITED, and opens one again once another closes', async () => {
    const tokens = [(await e2e.login('per@solbakken.example')).accessToken, (await e2e.login('per@solbakken.example')).accessToken];
    const streams: OpenStream[] = [];
    for (let i = 0; i < 5; i++) streams.push(await openLive(tokens[i % 2]!));

    const sixth = await open(tokens[1]!);

    expect(sixth.response.status).toBe(429);
    expect(sixth.response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await sixth.response.json()).toEqual({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) }) })],
    });
    // Someone else is not held back by Per's streams.
    await openLive(board);
    streams[0]!.close();
    await eventually(async () => expect((await open(tokens[0]!)).response.status).toBe(200));
  });

  it('frees the slot of a stream whose client hung up while it was being authenticated', async () => {
    const token = (await e2e.login('ingrid@solbakken.example')).accessToken;
    const url = new URL('/graphql/stream', e2e.stack.gatewayUrl);
    const hangUpRightAfterAsking = () =>
      new Promise<void>((resolve) => {
        const headers = { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` };
        const asking = request(url, { method: 'POST', headers });
        asking.on('error', () => resolve());
        asking.on('close', () => resolve());
        asking.end(JSON.stringify({ query: INBOX_SUBSCRIPTION }), () => setImmediate(() => asking.destroy()));
      });
    for (let i = 0; i < 5; i++) await hangUpRightAfterAsking();

    await eventually(async () => expect((await open(token)).response.status).toBe(200));
  });

  it('refuses introspection over the stream when introspection is off', async () => {
    const token = (await e2e.login('ola@solbakken.example')).accessToken;

    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "StreamNotification") { fields { name } } }']) {
      const stream = await open(token, query);
      expect(stream.response.status).toBe(400);
      expect(await stream.response.json()).toEqual({
        errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) })],
      });
    }
  });
});

describe('a live stream at the end of its access token', () => {
  let e2e: E2E;
  const opened: OpenStream[] = [];

  beforeAll(async () => {
    e2e = await openE2E({ accessTokenTtlSeconds: 4 });
  });
  afterAll(async () => {
    for (const stream of opened) stream.close();
    await e2e?.close();
  });

  it('ends by itself when the token expires, saying so, so the client reconnects with a fresh one', async () => {
    const { accessToken } = await e2e.login('ola@solbakken.example');
    const stream = await openStream(
      new URL('/graphql/stream', e2e.stack.gatewayUrl).toString(),
      { authorization: `Bearer ${accessToken}` },
      JSON.stringify({ query: INBOX_SUBSCRIPTION }),
    );
    opened.push(stream);
    expect(stream.response.status).toBe(200);
    const started = Date.now();

    await endsWith(stream, 'UNAUTHENTICATED');

    expect(Date.now() - started).toBeLessThan(6000);
    await eventually(() => expect(e2e.stack.notifications.live.subscriptions).toBe(0));
  });
});
