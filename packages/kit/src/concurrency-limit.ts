import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { storeUnavailable, withoutStoreIfDown } from './fast-store-outage';
import type { FastStore } from './redis';

export interface ConcurrencyRule {
  /** Namespaces the counters, e.g. `streams:account`. */
  name: string;
  /** How many may be open at once per key. */
  limit: number;
  /** How long a slot lasts without renewal: a process that dies takes its slots with it after this long. */
  leaseSeconds: number;
}

/** One open slot; renew it more often than the lease lasts, release it when done. */
export interface Lease {
  renew(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Drops expired slots, then takes one if fewer than the limit are open. A sorted set of slot ids scored by expiry,
 * so a replica that dies cannot leave a count behind.
 */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/**
 * Counts things held open at once per key (a person's live streams), shared by every replica on Redis. While Redis
 * fails, a slot is granted without being counted (decision 0059: a limit is a brake, not a door); renewing and
 * releasing it then do nothing, and the count starts again from the slots taken once Redis is back.
 */
export class ConcurrencyLimit {
  private readonly memory = new Map<string, Map<string, number>>();

  constructor(
    private readonly store: FastStore,
    private readonly rule: ConcurrencyRule,
  ) {}

  /** A slot for the key, or null when `limit` are open already. */
  async acquire(key: string): Promise<Lease | null> {
    const id = randomUUID();
    const leaseMs = this.rule.leaseSeconds * 1000;
    if (this.store.kind === 'redis') return this.acquireOnRedis(this.store.client, `${this.store.namespace}:slots:${this.rule.name}:${key}`, id, leaseMs);
    const slots = this.memory.get(key) ?? new Map<string, number>();
    const now = Date.now();
    for (const [slot, expiresAt] of slots) if (expiresAt <= now) slots.delete(slot);
    if (slots.size >= this.rule.limit) return null;
    slots.set(id, now + leaseMs);
    this.memory.set(key, slots);
    return {
      renew: async () => void slots.set(id, Date.now() + leaseMs),
      release: async () => {
        slots.delete(id);
        if (slots.size === 0 && this.memory.get(key) === slots) this.memory.delete(key);
      },
    };
  }

  private async acquireOnRedis(client: Redis, key: string, id: string, leaseMs: number): Promise<Lease | null> {
    const use = `slots:${this.rule.name}`;
    const taken = await withoutStoreIfDown(use, client, () => client.eval(ACQUIRE, 1, key, Date.now(), this.rule.limit, leaseMs, id), 'uncounted');
    if (taken === 'uncounted') return UNCOUNTED;
    if (taken !== 1) return null;
    const failed = (error: unknown) => void storeUnavailable(use, error);
    return {
      renew: async () =>
        void (await client
          .multi()
          .zadd(key, Date.now() + leaseMs, id)
          .pexpire(key, leaseMs)
          .exec()
          .catch(failed)),
      release: async () => void (await client.zrem(key, id).catch(failed)),
    };
  }
}

/** A slot granted while the store was down: there is nothing to renew or release. */
const UNCOUNTED: Lease = { renew: async () => undefined, release: async () => undefined };
