import { parse } from 'graphql';
import type { RunningServer } from './http-server';
import { internalRouteUrl } from './internal-routes';
import { encodeContext, signRequest } from './internal-signature';
import { createLogger } from './logger';
import type { FastStore } from './redis';
import { NONCE_RETENTION_MS, SignatureReplayCache } from './signature-replay';
import { startSubgraphServer } from './subgraph-server';

const SECRET = 'replay-test-secret';

describe('the replay cache of signed requests, in memory (decision 0054)', () => {
  it('lets a nonce through once, refuses it until the window has passed, then forgets it', async () => {
    const store: FastStore = { kind: 'memory', namespace: 'test' };
    const cache = new SignatureReplayCache(store);
    const now = 1_000_000;
    expect(await cache.claim('nonce-a', now)).toBe('fresh');
    expect(await cache.claim('nonce-b', now)).toBe('fresh');
    expect(await cache.claim('nonce-a', now + 1)).toBe('replayed');
    expect(await new SignatureReplayCache(store).claim('nonce-a', now + NONCE_RETENTION_MS - 1)).toBe('replayed');
    expect(await cache.claim('nonce-a', now + NONCE_RETENTION_MS)).toBe('fresh');
  });

  it('keeps the nonces of different stores apart', async () => {
    const nonce = 'nonce-c';
    expect(await new SignatureReplayCache({ kind: 'memory', namespace: 'test' }).claim(nonce)).toBe('fresh');
    expect(await new SignatureReplayCache({ kind: 'memory', namespace: 'test' }).claim(nonce)).toBe('fresh');
  });
});

describe('a replayed signed request, at two subgraph servers sharing a store', () => {
  const store: FastStore = { kind: 'memory', namespace: 'test' };
  const served: string[] = [];
  let servers: RunningServer[];

  beforeAll(async () => {
    const start = (name: string) =>
      startSubgraphServer(
        {
          name,
          typeDefs: parse('type Query { ok: Boolean }'),
          resolvers: [{ Query: { ok: () => true } }],
          createContext: (request) => request,
          isReady: async () => undefined,
          internalRoutes: {
            'things/do': async () => {
              served.push(name);
              return { done: true };
            },
          },
        },
        { port: 0, internalSecret: SECRET, store, logger: createLogger('test') },
      );
    servers = [await start('one'), await start('two')];
  });
  afterAll(() => Promise.all(servers.map((server) => server.stop())));

  const send = (url: string, headers: Record<string, string>, body: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('is served once; the identical request again, at the same or the other server, is refused with 401', async () => {
    const [one, two] = servers.map((server) => internalRouteUrl(server.url, 'things/do'));
    const body = JSON.stringify({ thing: 1 });
    const headers = signRequest(SECRET, { method: 'POST', url: one!, context: encodeContext({ viewer: null, requestId: 'r1', clientIp: '' }), body });
    expect((await send(one!, headers, body)).status).toBe(200);
    for (const url of [one!, two!]) {
      const replayed = await send(url, headers, body);
      expect(replayed.status).toBe(401);
      expect(await replayed.json()).toEqual({
        errors: [{ message: 'This signed request was already received; every request must be signed anew.', extensions: { code: 'UNAUTHENTICATED' } }],
      });
    }
    expect(served).toEqual(['one']);
  });

  it('serves the same request signed again (a retry signs anew), and a GraphQL request likewise only once', async () => {
    const body = JSON.stringify({ query: '{ ok }' });
    const url = servers[0]!.url;
    const sign = () => signRequest(SECRET, { method: 'POST', url, context: encodeContext({ viewer: null, requestId: 'r2', clientIp: '' }), body });
    const headers = sign();
    expect((await send(url, headers, body)).status).toBe(200);
    expect((await send(url, sign(), body)).status).toBe(200);
    expect((await send(url, headers, body)).status).toBe(401);
  });
});
