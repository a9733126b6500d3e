import { randomUUID } from 'node:crypto';
import { ConcurrencyLimit } from './concurrency-limit';
import { sleep } from './events/events.fixtures';
import { closeFastStore, type FastStore } from './redis';
import { openTestRedis } from './kit.fixtures';

describe.each(['redis', 'memory'] as const)('concurrency limit on %s', (kind) => {
  let store: FastStore;

  beforeAll(async () => {
    store = kind === 'redis' ? await openTestRedis() : { kind: 'memory', namespace: 'test' };
  });
  afterAll(() => closeFastStore(store));

  it('opens as many slots per key as the limit, and one more once one is released', async () => {
    const limit = new ConcurrencyLimit(store, { name: `streams-${randomUUID()}`, limit: 2, leaseSeconds: 60 });
    const first = await limit.acquire('kari');
    expect(first).not.toBeNull();
    expect(await limit.acquire('kari')).not.toBeNull();

    expect(await limit.acquire('kari')).toBeNull();
    expect(await limit.acquire('ola')).not.toBeNull();
    await first!.release();
    expect(await limit.acquire('kari')).not.toBeNull();
  });

  it('frees a slot nobody renews once its lease has run out, as when a replica dies', async () => {
    const limit = new ConcurrencyLimit(store, { name: `streams-${randomUUID()}`, limit: 1, leaseSeconds: 1 });
    const renewed = await limit.acquire('kari');
    const abandoned = await limit.acquire('ola');
    expect(abandoned).not.toBeNull();

    await sleep(600);
    await renewed!.renew();
    await sleep(600);

    expect(await limit.acquire('kari')).toBeNull();
    expect(await limit.acquire('ola')).not.toBeNull();
  });
});
