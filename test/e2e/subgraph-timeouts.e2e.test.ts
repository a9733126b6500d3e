import net from 'node:net';
import { DEMO } from '@tunet/members';
import { codes, openE2E, type E2E, type GraphQLResponse } from './e2e.fixtures';
import { loadOperation } from './first-party';

const TIMEOUT_MS = 1000;

/** A subgraph that accepts connections and never answers, as a hung process or a black-holed replica does. */
async function listenSilently(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Asks the gateway, giving up well before jest would, and says how long the answer took. */
async function timed(url: string, init: RequestInit = {}): Promise<{ response: Response; text: string; seconds: number }> {
  const started = performance.now();
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  return { response, text, seconds: (performance.now() - started) / 1000 };
}

describe('a subgraph that never answers', () => {
  let e2e: E2E;
  let silentPosts: Awaited<ReturnType<typeof listenSilently>>;
  let silentNotifications: Awaited<ReturnType<typeof listenSilently>>;
  let kari: string;

  beforeAll(async () => {
    silentPosts = await listenSilently();
    silentNotifications = await listenSilently();
    e2e = await openE2E(undefined, {
      // Members answers (the login hashes a password): on a loaded machine that may take longer than the silent ones' 1 s.
      subgraphTimeouts: { default: TIMEOUT_MS, members: 10_000 },
      gatewaySubgraphUrls: { posts: silentPosts.url, notifications: silentNotifications.url },
    });
    kari = (await e2e.login('kari@solbakken.example')).accessToken;
  });

  afterAll(async () => {
    await silentPosts?.close();
    await silentNotifications?.close();
    await e2e?.close();
  });

  async function timedQuery(query: string): Promise<{ result: GraphQLResponse; seconds: number }> {
    const { response, text, seconds } = await timed(e2e.stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${kari}` },
      body: JSON.stringify({ query }),
    });
    return { result: { status: response.status, ...(JSON.parse(text) as object) }, seconds };
  }

  it('answers within the timeout: the other subgraphs’ fields, and a coded error for the silent one', async () => {
    const { result, seconds } = await timedQuery('{ me { id } codeOfConduct { version } }');

    expect(seconds).toBeLessThan(5);
    expect(result.data).toEqual({ me: { id: DEMO.kari }, codeOfConduct: null });
    expect(result.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', serviceName: 'posts' }) })]);
  });

  it('shows the home screen without the silent parts: their fields null, each with SERVICE_UNAVAILABLE (decision 0051)', async () => {
    const { result, seconds } = await timedQuery(loadOperation('home-screen'));

    expect(seconds).toBeLessThan(5);
    expect(result.data).toEqual({
      me: expect.objectContaining({ id: DEMO.kari, displayName: 'Kari Nordmann', association: { name: 'Solbakken borettslag' } }),
      unreadNotificationCount: null,
      myBookings: { nodes: expect.any(Array) },
      events: null,
      pinnedPosts: null,
      posts: null,
    });
    expect(new Set(codes(result))).toEqual(new Set(['SERVICE_UNAVAILABLE']));
    expect(new Set(result.errors!.map((error) => error.extensions?.serviceName))).toEqual(new Set(['notifications', 'posts']));
  });

  it('reports a required single entity of the silent subgraph as unavailable, not as an internal error', async () => {
    // post(id:) stays non-null (decision 0051): without the post there is no screen, so GraphQL nulls the whole answer.
    const { result, seconds } = await timedQuery('{ me { id } post(id: "00000000-0000-4000-8000-000000000000") { id } }');

    expect(seconds).toBeLessThan(5);
    expect(result.data).toBeNull();
    expect(codes(result)).toEqual(['SERVICE_UNAVAILABLE']);
  });

  it.each([
    ['a file download (posts)', '/files/00000000-0000-4000-8000-000000000000/original?exp=1&sig=x'],
    ['an unsubscribe link (notifications)', '/unsubscribe/some-token'],
  ])('answers %s with 504 within the timeout', async (_what, path) => {
    const { response, text, seconds } = await timed(new URL(path, e2e.stack.gatewayUrl).toString());

    expect(seconds).toBeLessThan(5);
    expect(response.status).toBe(504);
    expect(text).toMatch(/Try again/);
  });

  it('answers a live inbox stream with 504 SERVICE_UNAVAILABLE within the timeout', async () => {
    const { response, text, seconds } = await timed(new URL('/graphql/stream', e2e.stack.gatewayUrl).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${kari}` },
      body: JSON.stringify({ query: 'subscription { inboxUpdated { unreadCount } }' }),
    });

    expect(seconds).toBeLessThan(5);
    expect(response.status).toBe(504);
    expect(codes(JSON.parse(text) as GraphQLResponse)).toEqual(['SERVICE_UNAVAILABLE']);
  });
});

describe('a members subgraph that never answers', () => {
  let e2e: E2E;
  let silentMembers: Awaited<ReturnType<typeof listenSilently>>;

  beforeAll(async () => {
    silentMembers = await listenSilently();
    e2e = await openE2E(undefined, { subgraphTimeouts: { default: TIMEOUT_MS }, gatewaySubgraphUrls: { members: silentMembers.url } });
  });

  afterAll(async () => {
    await silentMembers?.close();
    await e2e?.close();
  });

  it('fails an API key request with 504 SERVICE_UNAVAILABLE within the timeout, as members cannot verify the key', async () => {
    const { response, text, seconds } = await timed(e2e.stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer tunet_00000000_${'A'.repeat(43)}` },
      body: JSON.stringify({ query: '{ codeOfConduct { version } }' }),
    });

    expect(seconds).toBeLessThan(TIMEOUT_MS / 1000 + 2);
    expect(response.status).toBe(504);
    const result = JSON.parse(text) as GraphQLResponse;
    expect(result.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', serviceName: 'members' }) })]);
  });
});
