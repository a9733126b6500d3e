import { openFastCache } from './fast-cache';
import { closeFastStore, type FastStore } from './redis';
import { openTestRedis } from './kit.fixtures';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(['redis', 'memory'] as const)('fast cache on %s', (kind) => {
  let store: FastStore;

  beforeAll(async () => {
    store = kind === 'redis' ? await openTestRedis() : { kind: 'memory', namespace: 'test' };
  });
  afterAll(() => closeFastStore(store));

  it('returns what was set until it expires', async () => {
    const cache = openFastCache<{ verified: string | null }>(store, 'expiry');
    await cache.set('a', { verified: 'yes' }, 200);
    await cache.set('b', { verified: null }, 200);
    expect(await cache.get('a')).toEqual({ verified: 'yes' });
    expect(await cache.get('b')).toEqual({ verified: null });
    expect(await cache.get('c')).toBeUndefined();
    await pause(300);
    expect(await cache.get('a')).toBeUndefined();
  });

  it('keeps caches of different names apart', async () => {
    await openFastCache<number>(store, 'one').set('k', 1, 10_000);
    expect(await openFastCache<number>(store, 'two').get('k')).toBeUndefined();
  });
});

it('forgets the oldest entries of a full in-memory cache', async () => {
  const cache = openFastCache<number>({ kind: 'memory', namespace: 'test' }, 'bounded', 2);
  for (const [key, value] of [
    ['a', 1],
    ['b', 2],
    ['c', 3],
  ] as const)
    await cache.set(key, value, 10_000);
  expect([await cache.get('a'), await cache.get('b'), await cache.get('c')]).toEqual([undefined, 2, 3]);
});
