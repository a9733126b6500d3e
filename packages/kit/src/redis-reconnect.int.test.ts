import { createLogger } from './logger';
import { RedisStreamBackend } from './events/redis-stream-backend';
import { eventually } from './events/events.fixtures';
import { fastStoreUnavailable } from './fast-store-outage';
import { openInvalidationChannel } from './invalidation-channel';
import { closeFastStore, openFastStore, type FastStore } from './redis';
import { ThrowawayRedis } from './redis.fixtures';

/**
 * What a process does with its Redis connections while they reconnect: stopping one ends what waits on it, and a
 * subscription Redis refuses to renew is reported, never thrown into the process (Node ends a process on an
 * unhandled rejection). ioredis 6.0.0 failed both (decision 0027). On a Redis of this file's own: it is stopped and
 * its ACL changed here.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const failures = async (use: string): Promise<number> => (await fastStoreUnavailable.get()).values.find((v) => v.labels.use === use)?.value ?? 0;

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
    await closeFastStore(store).catch(() => undefined);
    await redis.remove();
  });

  /** A reader of its own group, its blocking connection connected. */
  const openReader = async (group: string) => {
    const backend = new RedisStreamBackend(store.client, 'reconnect:events', 1000, 3_600_000, Date.now);
    const reader = await backend.join(group, `${group}-1`, createLogger('test'));
    expect(await reader.readNew(1, 10)).toEqual([]);
    return reader;
  };
  /** Whether `read` settles within two seconds, and how. */
  const outcome = (read: Promise<unknown>) =>
    Promise.race([
      read.then(
        () => 'answered',
        () => 'ended',
      ),
      new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 2_000).unref()),
    ]);
  const storeReady = () => eventually(() => expect(store.client.status).toBe('ready'));

  it.each([
    ['in flight when Redis went', true],
    ['made while its connection waits to reconnect', false],
  ])('a blocking event read %s: stopping its consumer ends it at once, so a shutdown does not hang', async (_case, beforeOutage) => {
    await storeReady();
    const reader = await openReader(beforeOutage ? 'in-flight' : 'queued');
    const early = beforeOutage ? reader.readNew(1, 60_000) : undefined;
    await redis.stop();
    try {
      // The connection has seen Redis go and waits to reconnect.
      await sleep(300);
      const read = early ?? reader.readNew(1, 60_000);
      await reader.close();
      expect(await outcome(read)).toBe('ended');
    } finally {
      await redis.restart();
    }
  });

  it('closes a store while Redis is down at once and for good: it does not connect again when Redis is back', async () => {
    const other = await openFastStore(redis.url, 'reconnect');
    if (other.kind !== 'redis') throw new Error('needs Redis');
    await redis.stop();
    try {
      await sleep(300);
      // A command that waits for the reconnection, as a request's cache read does during an outage.
      const waiting = other.client.get('reconnect:key').catch(() => 'failed');
      await closeFastStore(other);
      expect(other.client.status).toBe('end');
      expect(await waiting).toBe('failed');
    } finally {
      await redis.restart();
    }
    await sleep(500);
    expect(other.client.status).toBe('end');
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
      // again, which Redis refuses. On ioredis 6.0.0 that refusal was an unhandled rejection, which jest fails the
      // test for (and which ends a Node process).
      await store.client.call('ACL', 'SETUSER', 'default', 'resetchannels');
      await eventually(async () => expect(await failures('invalidations:acl')).toBeGreaterThan(before));
    } finally {
      await store.client.call('ACL', 'SETUSER', 'default', 'allchannels');
      await stop();
    }
  });
});
