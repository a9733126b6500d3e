import net from 'node:net';
import { DEMO } from '@tunet/members';
import { codes, openE2E, type E2E, type GraphQLResponse } from './support';

const TIMEOUT_MS = 1000;

/** A posts subgraph that accepts connections and never answers, as a hung process or a black-holed replica does. */
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

describe('a subgraph that never answers', () => {
  let e2e: E2E;
  let silentPosts: Awaited<ReturnType<typeof listenSilently>>;
  let kari: string;

  beforeAll(async () => {
    silentPosts = await listenSilently();
    e2e = await openE2E(undefined, { subgraphTimeouts: { default: TIMEOUT_MS }, gatewaySubgraphUrls: { posts: silentPosts.url } });
    kari = (await e2e.login('kari@solbakken.example')).accessToken;
  });

  afterAll(async () => {
    await silentPosts?.close();
    await e2e?.close();
  });

  /** Asks the gateway, giving up well before jest would, and says how long the answer took. */
  async function timedQuery(query: string): Promise<{ result: GraphQLResponse; seconds: number }> {
    const started = performance.now();
    const response = await fetch(e2e.stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${kari}` },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(15_000),
    });
    const result = { status: response.status, ...((await response.json()) as object) };
    return { result, seconds: (performance.now() - started) / 1000 };
  }

  it('answers within the timeout: the other subgraphs’ fields, and a coded error for the silent one', async () => {
    const { result, seconds } = await timedQuery('{ me { id } codeOfConduct { version } }');

    expect(seconds).toBeLessThan(5);
    expect(result.data).toEqual({ me: { id: DEMO.kari }, codeOfConduct: null });
    expect(result.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', serviceName: 'posts' }) }),
    ]);
  });

  it('reports a required field of the silent subgraph as unavailable, not as an internal error', async () => {
    // pinnedPosts is non-null at the root, so GraphQL nulls the whole answer; the client still learns why, in time.
    const { result, seconds } = await timedQuery('{ me { id } pinnedPosts { id } }');

    expect(seconds).toBeLessThan(5);
    expect(result.data).toBeNull();
    expect(codes(result)).toEqual(['SERVICE_UNAVAILABLE']);
  });
});
