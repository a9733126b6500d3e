import { createLogger } from './logger';
import { RedisStreamBackend } from './events/redis-stream-backend';
import { eventually } from './events/events.fixtures';
import { fastStoreUnavailable } from './fast-store-outage';
import { openInvalidationChannel } from './invalidation-channel';
import { closeFastStore, openFastStore, type FastStore } from './redis';
import { ThrowawayRedis } from './redis.fixtures';

/**
 * What a process does with its Redis connections when Redis goes away or refuses: stopping one ends what waits on it
 * and ends it for good, however Redis behaves, and a subscription Redis refuses is reported, never thrown into the
 * process (Node ends a process on an unhandled rejection, and jest fails the test running then). ioredis 6.0.0
 * failed the first and the last (decision 0027). On a Redis of this file's own: it is stopped, frozen and its ACL
 * changed here.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const failures = async (use: string): Promise<number> => (await fastStoreUnavailable.get()).values.find((v) => v.labels.use === use)?.value ?? 0;

/** How `promise` settles within `ms`: 'answered', the message it failed with, or 'still waiting'. */
const within = (promise: Promise<unknown>, ms: number): Promise<string> =>
  Promise.race([
    promise.then(
      () => 'answered',
      (error: Error) => error.message,
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), ms).unref()),
  ]);

describe('Redis connections that reconnect', () => {
  let redis: ThrowawayRedis;
  let store: Extract<FastStore, { kind: 'redis' }>;

  beforeAll(async () => {
    redis = await ThrowawayRedis.start();
    const opened = await openFastStore(redis.url, 'reconnect');
    if (opened.kind !== 'redis') throw new Error('needs Redis');
    store = opened;
  });
  afterAll(async () => {
    await closeFastStore(store);
    await redis.remove();
  });

  const storeReady = () => eventually(() => expect(store.client.status).toBe('ready'));
  /** A reader of its own group, its blocking connection connected. */
  const openReader = async (group: string) => {
    const backend = new RedisStreamBackend(store.client, 'reconnect:events', 1000, 3_600_000, Date.now);
    const reader = await backend.join(group, `${group}-1`, createLogger('test'));
    expect(await reader.readNew(1, 10)).toEqual([]);
    return reader;
  };
  const clientNames = async () => String(await store.client.call('CLIENT', 'LIST'));

  it.each([
    ['in flight when Redis went', true],
    ['made while its connection waits to reconnect', false],
  ])('a blocking event read %s: stopping its consumer ends it at once, so a shutdown does not hang', async (_case, beforeOutage) => {
    await storeReady();
    const reader = await openReader(beforeOutage ? 'in-flight' : 'queued');
    const early = beforeOutage ? reader.readNew(1, 60_000) : undefined;
    await redis.stop();
    try {
      // The connection has seen Redis go; its third failed reconnection, which would fail the read anyway, is 350 ms on.
      await sleep(100);
      const read = early ?? reader.readNew(1, 60_000);
      await reader.close();
      expect(await within(read, 250)).toBe('Connection is closed.');
    } finally {
      await redis.restart();
    }
  });

  it('closes a store while Redis is down at once and for good: what waited fails, and it does not connect again', async () => {
    const other = await openFastStore(redis.url, 'reconnect');
    if (other.kind !== 'redis') throw new Error('needs Redis');
    await redis.stop();
    try {
      await sleep(100);
      // A command that waits for the reconnection, as a request's cache read does during an outage.
      const waiting = within(other.client.get('reconnect:key'), 1_500);
      expect(await within(closeFastStore(other), 1_500)).toBe('answered');
      expect(other.client.status).toBe('end');
      expect(await waiting).toBe('Connection is closed.');
    } finally {
      other.client.disconnect();
      await redis.restart();
    }
  });

  it('stops a subscription within a second while Redis holds its connection without answering', async () => {
    await storeReady();
    const stop = await openInvalidationChannel(store, 'frozen').listen(
      () => undefined,
      () => undefined,
    );
    redis.freeze();
    try {
      expect(await within(stop(), 2_000)).toBe('answered');
    } finally {
      redis.thaw();
    }
  });

  it('reports a subscription Redis refuses to renew after a reconnection as the store unavailable, and the process goes on', async () => {
    await storeReady();
    const heard: string[] = [];
    const channel = openInvalidationChannel(store, 'acl');
    const stop = await channel.listen(
      (message) => void heard.push(message),
      () => undefined,
    );
    await channel.publish('before');
    await eventually(() => expect(heard).toEqual(['before']));
    const before = await failures('invalidations:acl');
    try {
      // Redis drops the subscribed connection when its user loses the channel; ioredis reconnects and subscribes
      // again, which Redis refuses.
      await store.client.call('ACL', 'SETUSER', 'default', 'resetchannels');
      await eventually(async () => expect(await failures('invalidations:acl')).toBeGreaterThan(before));
    } finally {
      await store.client.call('ACL', 'SETUSER', 'default', 'allchannels');
      await stop();
    }
  });

  it('fails a start whose subscription Redis refuses, and leaves no connection behind', async () => {
    await storeReady();
    await store.client.call('ACL', 'SETUSER', 'default', 'resetchannels');
    try {
      await expect(
        openInvalidationChannel(store, 'refused').listen(
          () => undefined,
          () => undefined,
        ),
      ).rejects.toThrow(/NOPERM/);
      // The subscriber connection is named after its channel (invalidation-channel.ts).
      await eventually(async () => expect(await clientNames()).not.toContain('reconnect:refused:invalidations'));
    } finally {
      await store.client.call('ACL', 'SETUSER', 'default', 'allchannels');
    }
  });
});
