import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { Redis } from 'ioredis';
import { ConcurrencyLimit } from './concurrency-limit';
import type { Entitlements } from './entitlements';
import { EntitlementsReader } from './entitlements-cache';
import { eventually } from './events/events.fixtures';
import { openFastCache } from './fast-cache';
import { fastStoreUnavailable } from './fast-store-outage';
import { metricsRegistry } from './metrics';
import { closeFastStore, openFastStore, type FastStore } from './redis';
import { RevocationReader, RevocationWriter, type TokenHolder } from './revocations';
import { openTestRedis } from './kit.fixtures';
import { ThrowawayRedis } from './redis.fixtures';

/**
 * The fast store of one process dies (its connection to Redis is gone, the shared test Redis itself stays up for the
 * other files): every use that only goes faster or shares counts carries on without it, counted by use (decision 0059).
 */

const failures = async (use: string): Promise<number> => (await fastStoreUnavailable.get()).values.find((v) => v.labels.use === use)?.value ?? 0;

/** What the store's connection looks like while Redis is down: not ready, and commands sent anyway fail. */
async function kill(store: FastStore): Promise<void> {
  const client = (store as { client: Redis }).client;
  const ended = new Promise((resolve) => client.once('end', resolve));
  client.disconnect();
  await ended;
}

/** A store whose connection claims to be ready but whose every command fails, as in the moment Redis dies. */
function failingStore(namespace: string): FastStore {
  const fail = () => Promise.reject(new Error('read ECONNRESET'));
  const client = { status: 'ready', get: fail, set: fail, mget: fail, eval: fail } as unknown as Redis;
  return { kind: 'redis', client, namespace };
}

describe('the fast store down', () => {
  let store: FastStore;

  beforeEach(async () => {
    store = await openTestRedis();
  });
  afterEach(async () => {
    await closeFastStore(store);
  });

  it('makes a fast cache miss and skip its writes, whether the connection is gone or a command fails', async () => {
    const cache = openFastCache<{ verified: string }>(store, 'outage');
    await cache.set('k', { verified: 'yes' }, 60_000);
    expect(await cache.get('k')).toEqual({ verified: 'yes' });
    const before = await failures('cache:outage');
    await kill(store);
    expect(await cache.get('k')).toBeUndefined();
    await expect(cache.set('k', { verified: 'again' }, 60_000)).resolves.toBeUndefined();
    const failing = openFastCache<{ verified: string }>(failingStore(store.namespace), 'outage');
    expect(await failing.get('k')).toBeUndefined();
    await expect(failing.set('k', { verified: 'again' }, 60_000)).resolves.toBeUndefined();
    expect((await failures('cache:outage')) - before).toBe(4);
  });

  it('keeps what revocations a gateway last knew, however old, and lets a token it knows nothing of through', async () => {
    const writerStore = await openFastStore(process.env.TEST_REDIS_URL, store.namespace);
    const reader = await RevocationReader.open(store);
    const holder = (): TokenHolder => ({
      sessionId: randomUUID(),
      associationId: randomUUID(),
      memberId: randomUUID(),
      issuedAt: new Date(Date.now() - 10_000),
    });
    const [readEnded, heardEnded, unknown] = [holder(), holder(), holder()];
    try {
      const writer = new RevocationWriter(writerStore, 60);
      await writer.endSessions([readEnded.sessionId!]);
      expect((await reader.standing(readEnded)).sessionEnded).toBe(true); // read from the store
      await writer.endSessions([heardEnded.sessionId!]);
      await eventually(async () => expect((await reader.standing(heardEnded)).sessionEnded).toBe(true)); // heard announced
      const before = await failures('revocations');
      await kill(store);
      // Well past the reader's 5 s of local freshness: what it knows is old, and the store cannot be asked.
      const now = Date.now();
      const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 60_000);
      try {
        expect((await reader.standing(readEnded)).sessionEnded).toBe(true);
        expect((await reader.standing(heardEnded)).sessionEnded).toBe(true);
        expect(await reader.standing(unknown)).toEqual({ sessionEnded: false, suspension: null, associationClosed: null, unverifiable: false });
      } finally {
        clock.mockRestore();
      }
      expect((await failures('revocations')) - before).toBe(3);
    } finally {
      await reader.close();
      await closeFastStore(writerStore);
    }
  });

  it("asks the owner for announced state (entitlements) on every miss of the process's own copy, and never fails for the store", async () => {
    let asked = 0;
    const load = async (associationId: string): Promise<Entitlements> => {
      asked++;
      return { associationId, features: ['base'], limits: { smsPerMonth: 0 } };
    };
    const reader = await EntitlementsReader.open(store, load);
    const A = randomUUID();
    try {
      await kill(store);
      const before = await failures('announced:entitlements');
      expect((await reader.read(A)).features).toEqual(['base']);
      expect(asked).toBe(1);
      expect((await failures('announced:entitlements')) - before).toBe(1);
    } finally {
      await reader.close();
    }
  });

  it('counts stream slots in each process while the store is down: the limit holds per replica instead of not at all', async () => {
    const limit = new ConcurrencyLimit(store, { name: 'outage', limit: 1, leaseSeconds: 60 });
    const held = await limit.acquire('person');
    expect(held).not.toBeNull();
    expect(await limit.acquire('person')).toBeNull();
    const before = await failures('slots:outage');
    await kill(store);
    const granted = await limit.acquire('person');
    expect(granted).not.toBeNull();
    expect(await limit.acquire('person')).toBeNull();
    await expect(granted!.renew()).resolves.toBeUndefined();
    await expect(granted!.release()).resolves.toBeUndefined();
    expect(await limit.acquire('person')).not.toBeNull();
    await expect(held!.renew()).resolves.toBeUndefined();
    await expect(held!.release()).resolves.toBeUndefined();
    const failing = new ConcurrencyLimit(failingStore(store.namespace), { name: 'outage', limit: 1, leaseSeconds: 60 });
    expect(await failing.acquire('person')).not.toBeNull();
    expect(await failing.acquire('person')).toBeNull();
    // Every acquire asked the store in vain; the slots counted here are renewed and released here, without it.
    expect((await failures('slots:outage')) - before).toBe(7);
  });
});

describe('opening the fast store (decision 0062)', () => {
  it('starts without a Redis that cannot be reached, and refuses one that answers and refuses the password or the database', async () => {
    const unreachable = await openFastStore('redis://127.0.0.1:1', `test-${randomUUID()}`);
    // Still trying, not given up (`end`): it connects once Redis answers (the reader's case below shows it).
    expect(['connecting', 'reconnecting']).toContain(unreachable.kind === 'redis' && unreachable.client.status);
    expect((await metricsRegistry.getSingleMetric('tunet_fast_store_connected')?.get())?.values[0]?.value).toBe(0);
    if (unreachable.kind === 'redis') unreachable.client.disconnect();
    // A server that refuses every command (one answer per command sent) as Redis refuses them with a wrong password.
    const refusing = net.createServer((socket) =>
      socket.on('data', (data) => {
        for (const _command of data.toString().matchAll(/^\*\d+\r$/gm)) socket.write('-WRONGPASS invalid username-password pair\r\n');
      }),
    );
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = refusing.address() as net.AddressInfo;
      await expect(openFastStore(`redis://:wrong@127.0.0.1:${port}`, 'test')).rejects.toThrow('WRONGPASS');
      // A database number the server does not have would otherwise run in database 0, in another deployment's keys.
      await expect(openFastStore(`${process.env.TEST_REDIS_URL}/99`, 'test')).rejects.toThrow('DB index is out of range');
    } finally {
      refusing.close();
    }
  });
});

describe('revocations on a Redis of their own, emptied or stopped', () => {
  let redis: ThrowawayRedis;
  const holder = (): TokenHolder => ({ sessionId: randomUUID(), associationId: randomUUID(), memberId: randomUUID(), issuedAt: new Date(Date.now() - 10_000) });
  const notRevoked = { sessionEnded: false, suspension: null, associationClosed: null, unverifiable: false };

  beforeAll(async () => {
    redis = await ThrowawayRedis.start();
  });
  afterAll(async () => {
    await redis.remove();
  });

  it('keeps an ended session ended and a closure until its tokens expired when Redis comes back empty', async () => {
    const store = await openFastStore(redis.url, `test-${randomUUID()}`);
    const reader = await RevocationReader.open(store);
    const [ended, closed] = [holder(), holder()];
    try {
      const writer = new RevocationWriter(store, 60);
      await writer.endSessions([ended.sessionId!]);
      await writer.closeAssociation(closed.associationId!, 'blocked');
      expect((await reader.standing(ended)).sessionEnded).toBe(true);
      expect((await reader.standing(closed)).associationClosed?.status).toBe('blocked');
      await (store as { client: Redis }).client.flushall();
      const now = Date.now();
      const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 60_000);
      try {
        expect((await reader.standing(ended)).sessionEnded).toBe(true);
        expect((await reader.standing(closed)).associationClosed?.status).toBe('blocked');
        // Past the longest token's lifetime (a support session's 4 hours): nothing issued before the closing lives.
        clock.mockReturnValue(now + 5 * 3_600_000);
        expect(await reader.standing(closed)).toEqual(notRevoked);
      } finally {
        clock.mockRestore();
      }
    } finally {
      await reader.close();
      await closeFastStore(store);
    }
  });

  it('opens a reader while Redis is down, which doubts tokens issued before it started and hears revocations once Redis is back (decision 0062)', async () => {
    const namespace = `test-${randomUUID()}`;
    const ended = holder();
    const endedBefore = await openFastStore(redis.url, namespace);
    await new RevocationWriter(endedBefore, 60).endSessions([ended.sessionId!]);
    await closeFastStore(endedBefore);
    let stopped = true;
    await redis.stop();
    let readerStore: FastStore | undefined;
    let reader: RevocationReader | undefined;
    try {
      readerStore = await openFastStore(redis.url, namespace);
      const client = (readerStore as { client: Redis }).client;
      expect(['connecting', 'reconnecting']).toContain(client.status);
      reader = await RevocationReader.open(readerStore);
      const heard: string[] = [];
      reader.watch((revocation) => heard.push(revocation.kind));
      // The session ended before this reader started is unknown to it: the token counts as expired, not as live.
      expect(await reader.standing(ended)).toEqual({ ...notRevoked, unverifiable: true });
      expect(await reader.standing({ ...holder(), issuedAt: new Date(Date.now() + 1000) })).toEqual(notRevoked);
      await redis.restart();
      stopped = false;
      await eventually(() => expect(client.status).toBe('ready'), 15_000);
      await eventually(async () => expect(await reader!.standing(ended)).toEqual({ ...notRevoked, sessionEnded: true }), 15_000);
      const writerStore = await openFastStore(redis.url, namespace);
      try {
        // Announced again until heard: the subscription is made once the reader's connection is back, not at a known time.
        await eventually(async () => {
          await new RevocationWriter(writerStore, 60).endSessions([randomUUID()]);
          expect(heard).toContain('sessions-ended');
        }, 15_000);
      } finally {
        await closeFastStore(writerStore);
      }
    } finally {
      if (stopped) await redis.restart();
      await reader?.close();
      if (readerStore) await closeFastStore(readerStore);
    }
  });

  it("answers members' revocation made while Redis is down, counted, and writes and announces it once Redis is back", async () => {
    const namespace = `test-${randomUUID()}`;
    const [writerStore, readerStore] = [await openFastStore(redis.url, namespace), await openFastStore(redis.url, namespace)];
    const reader = await RevocationReader.open(readerStore);
    const ended = holder();
    let stopped = false;
    try {
      const writer = new RevocationWriter(writerStore, 60);
      const before = await failures('revocations:write');
      stopped = true;
      await redis.stop();
      await eventually(() => expect((writerStore as { client: Redis }).client.status).not.toBe('ready'));
      await expect(writer.endSessions([ended.sessionId!])).resolves.toBeUndefined();
      expect((await failures('revocations:write')) - before).toBe(1);
      await redis.restart();
      stopped = false;
      await eventually(async () => expect((await reader.standing(ended)).sessionEnded).toBe(true), 15_000);
    } finally {
      if (stopped) await redis.restart();
      await reader.close();
      await Promise.all([closeFastStore(writerStore), closeFastStore(readerStore)]);
    }
  });
});
