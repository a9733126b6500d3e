import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { FastStore } from './redis';

export interface LimitRule {
  /** Namespaces the counters, e.g. `login:ip`. */
  name: string;
  /** Events allowed per window. */
  points: number;
  windowSeconds: number;
  /** How long a key stays blocked once it has used its points. */
  blockSeconds: number;
}

/** Counts failures (or any costly events) per key and says when a key must wait. */
export class RateLimit {
  private readonly limiter: RateLimiterAbstract;

  constructor(store: FastStore, rule: LimitRule) {
    const options = {
      keyPrefix: `${store.namespace}:rl:${rule.name}`,
      points: rule.points,
      duration: rule.windowSeconds,
      blockDuration: rule.blockSeconds,
    };
    this.limiter =
      store.kind === 'redis'
        ? new RateLimiterRedis({ ...options, storeClient: store.client })
        : new RateLimiterMemory(options);
  }

  /** Seconds the key must still wait, or 0 when it may proceed. */
  async secondsBlocked(key: string): Promise<number> {
    const state = await this.limiter.get(key);
    return state && state.remainingPoints <= 0 ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0;
  }

  /** Records one event; exceeding the allowance is reported by the next `secondsBlocked`. */
  async record(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
    }
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}
