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
 * fails, each process counts its own slots instead (decision 0059: per-replica limits rather than none), and the
 * shared count starts again from the slots taken once Redis is back.
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
    if (this.store.kind === 'redis') return this.acquireOnRedis(this.store.client, key, id, leaseMs);
    return this.acquireHere(key, id, leaseMs);
  }

  /** A slot counted in this process alone: the embedded store's, and every store's while Redis is down. */
  private acquireHere(key: string, id: string, leaseMs: number): Lease | null {
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

  private async acquireOnRedis(client: Redis, slotKey: string, id: string, leaseMs: number): Promise<Lease | null> {
    const use = `slots:${this.rule.name}`;
    const key = `${this.store.namespace}:slots:${this.rule.name}:${slotKey}`;
    const taken = await withoutStoreIfDown(use, client, () => client.eval(ACQUIRE, 1, key, Date.now(), this.rule.limit, leaseMs, id), 'down');
    // Renewing and releasing it stay in this process: nothing of it is on Redis.
    if (taken === 'down') return this.acquireHere(slotKey, id, leaseMs);
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
