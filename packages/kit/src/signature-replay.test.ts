import { parse } from 'graphql';
import type { Redis } from 'ioredis';
import { LOG_EVERY_MS } from './fast-store-outage';
import type { RunningServer } from './http-server';
import { internalRouteUrl } from './internal-routes';
import { encodeContext, signRequest } from './internal-signature';
import { createLogger, type Logger } from './logger';
import { COMMAND_TIMEOUT_MS, type FastStore } from './redis';
import { NONCE_CLAIM_TIMEOUT_MS, NONCE_RETENTION_MS, SignatureReplayCache, signatureReplayCheckUnavailable, signatureReplaysRefused } from './signature-replay';
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

describe('the replay cache when Redis or a replay misbehaves (decision 0054)', () => {
  const counted = async (counter: typeof signatureReplaysRefused) => (await counter.get()).values[0]?.value ?? 0;

  it('lets a request through unchecked after NONCE_CLAIM_TIMEOUT_MS when Redis never answers, well before the command timeout', async () => {
    // Connected, but the command never comes back: a Redis that hangs with its connection open.
    const client = { status: 'ready', set: () => new Promise<never>(() => undefined) } as unknown as Redis;
    const cache = new SignatureReplayCache({ kind: 'redis', client, namespace: 'test' }, createLogger('test'));
    const before = await counted(signatureReplayCheckUnavailable);
    const started = Date.now();
    expect(await cache.claim('hanging-nonce')).toBe('unchecked');
    expect(Date.now() - started).toBeLessThan(COMMAND_TIMEOUT_MS);
    expect(Date.now() - started).toBeGreaterThanOrEqual(NONCE_CLAIM_TIMEOUT_MS - 5);
    expect(await counted(signatureReplayCheckUnavailable)).toBe(before + 1);
  });

  it('keeps at most its capacity of nonces in the process while Redis never answers, each for the window', async () => {
    const client = { status: 'ready', set: () => new Promise<never>(() => undefined) } as unknown as Redis;
    const cache = new SignatureReplayCache({ kind: 'redis', client, namespace: 'test' }, createLogger('test'), 1, 2);
    const now = 3_000_000;
    expect(await cache.claim('a', now)).toBe('unchecked');
    expect(await cache.claim('a', now + 1)).toBe('replayed');
    expect(await cache.claim('b', now + 2)).toBe('unchecked');
    expect(await cache.claim('c', now + 3)).toBe('unchecked');
    // Beyond the capacity of 2 the oldest went; past the window every nonce has.
    expect(await cache.claim('a', now + 4)).toBe('unchecked');
    expect(await cache.claim('c', now + 5)).toBe('replayed');
    expect(await cache.claim('c', now + NONCE_RETENTION_MS + 10)).toBe('unchecked');
  });

  it('counts every refused replay in tunet_signature_replays_refused_total and warns at most once per LOG_EVERY_MS', async () => {
    const warn = jest.fn();
    const cache = new SignatureReplayCache({ kind: 'memory', namespace: 'test' }, { warn } as unknown as Logger);
    const before = await counted(signatureReplaysRefused);
    const now = 2_000_000;
    expect(await cache.claim('replayed-nonce', now)).toBe('fresh');
    for (const at of [now + 1, now + 2, now + 3]) expect(await cache.claim('replayed-nonce', at, { requestId: 'r9' })).toBe('replayed');
    expect(await cache.claim('replayed-nonce', now + LOG_EVERY_MS + 1, { requestId: 'r10' })).toBe('replayed');
    expect(await counted(signatureReplaysRefused)).toBe(before + 4);
    expect(warn.mock.calls.map(([fields]: [object]) => fields)).toEqual([
      { reason: 'replayed signature nonce', requestId: 'r9', refused: 1 },
      { reason: 'replayed signature nonce', requestId: 'r10', refused: 3 },
    ]);
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
