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
 * unhandled rejection). Both were ioredis 6.0.0 faults, fixed in 6.1.0. On a Redis of this file's own: it is
 * stopped and its ACL changed here.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const failures = async (use: string): Promise<number> => (await fastStoreUnavailable.get()).values.find((v) => v.labels.use === use)?.value ?? 0;

describe('Redis connections that reconnect', () => {
  let redis: ThrowawayRedis;
  let store: Extract<FastStore, { kind: 'redis' }>;
  const unhandled: unknown[] = [];
  const noteUnhandled = (reason: unknown) => void unhandled.push(reason);

  beforeAll(async () => {
    redis = await ThrowawayRedis.start();
    const opened = await openFastStore(redis.url, 'reconnect');
    if (opened.kind !== 'redis') throw new Error('needs Redis');
    store = opened;
    process.on('unhandledRejection', noteUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', noteUnhandled);
    await closeFastStore(store).catch(() => undefined);
    await redis.remove();
  });

  it('ends a blocking event read at once when its consumer stops while Redis is down, so a shutdown does not hang', async () => {
    const backend = new RedisStreamBackend(store.client, 'reconnect:events', 1000, 3_600_000, Date.now);
    const reader = await backend.join('closing', 'closing-1', createLogger('test'));
    expect(await reader.readNew(1, 10)).toEqual([]);
    await redis.stop();
    try {
      // The blocking connection has seen Redis go and waits to reconnect: the read queues behind the reconnection.
      await sleep(300);
      const read = reader.readNew(1, 60_000).then(
        () => 'answered',
        () => 'ended',
      );
      await reader.close();
      const waited = new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 2_000).unref());
      expect(await Promise.race([read, waited])).toBe('ended');
    } finally {
      await redis.restart();
    }
  });

  it('reports a subscription Redis refuses to renew after a reconnection as the store unavailable, and the process goes on', async () => {
    const channel = openInvalidationChannel(store, 'acl');
    const stop = await channel.listen(
      () => undefined,
      () => undefined,
    );
    const before = await failures('invalidations:acl');
    try {
      // Redis drops the subscribed connection when its user loses the channel; ioredis reconnects and subscribes again.
      await store.client.call('ACL', 'SETUSER', 'default', 'resetchannels');
      await eventually(async () => expect(await failures('invalidations:acl')).toBeGreaterThan(before));
      await sleep(200);
      expect(unhandled).toEqual([]);
    } finally {
      await store.client.call('ACL', 'SETUSER', 'default', 'allchannels');
      await stop();
    }
  });
});
