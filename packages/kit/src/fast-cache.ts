import type { Redis } from 'ioredis';
import { withoutStoreIfDown } from './fast-store-outage';
import type { FastStore } from './redis';

/**
 * A small expiring cache on the fast store: shared by every replica on Redis, per process in memory.
 * Values go through JSON in both, so they behave the same whichever store is behind. While Redis fails, every get
 * misses and every set is skipped (counted as `cache:<name>`, decision 0059): the caller asks the owner each time.
 */
export interface FastCache<T> {
  get(key: string): Promise<T | undefined>;
  set(key: string, value: T, ttlMs: number): Promise<void>;
}

/** Enough for every key a gateway verifies in a minute; beyond it the oldest entries go first. */
const MEMORY_CAPACITY = 10_000;

export function openFastCache<T>(store: FastStore, name: string, capacity = MEMORY_CAPACITY): FastCache<T> {
  return store.kind === 'redis' ? redisCache(store.client, `${store.namespace}:cache:${name}:`, `cache:${name}`) : memoryCache(capacity);
}

function redisCache<T>(client: Redis, prefix: string, use: string): FastCache<T> {
  return {
    async get(key) {
      const text = await withoutStoreIfDown(use, client, () => client.get(prefix + key), null);
      return text === null ? undefined : (JSON.parse(text) as T);
    },
    async set(key, value, ttlMs) {
      const ms = Math.max(1, Math.round(ttlMs));
      await withoutStoreIfDown(use, client, () => client.set(prefix + key, JSON.stringify(value), 'PX', ms), null);
    },
  };
}

/** Bounded, so a flood of distinct keys (someone guessing) cannot grow the process without limit. */
function memoryCache<T>(capacity: number): FastCache<T> {
  const entries = new Map<string, { text: string; expiresAt: number }>();
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry || entry.expiresAt <= Date.now()) {
        entries.delete(key);
        return undefined;
      }
      return JSON.parse(entry.text) as T;
    },
    async set(key, value, ttlMs) {
      entries.delete(key);
      entries.set(key, { text: JSON.stringify(value), expiresAt: Date.now() + ttlMs });
      const oldest = entries.keys().next().value;
      if (entries.size > capacity && oldest !== undefined) entries.delete(oldest);
    },
  };
}
