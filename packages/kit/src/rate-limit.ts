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

/** What `take` got: a point, with how many are left after it, or how long the key must wait. */
export type Taken = { taken: true; left: number } | { taken: false; secondsBlocked: number };

/**
 * The in-process limiter forgets a key with a Node timer, and Node runs a timer longer than 2^31 - 1 ms at once:
 * a longer window would be forgotten a millisecond after it began.
 */
const LONGEST_IN_PROCESS_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

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
    const inProcess = (seconds: number) => Math.min(seconds, LONGEST_IN_PROCESS_SECONDS);
    this.limiter =
      store.kind === 'redis'
        ? new RateLimiterRedis({ ...options, storeClient: store.client })
        : new RateLimiterMemory({ ...options, duration: inProcess(rule.windowSeconds), blockDuration: inProcess(rule.blockSeconds) });
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

  /**
   * Takes a point before a costly check, so that checks running at once cannot together use more points than there
   * are. Give the point back with `giveBack` when the check succeeds. One that finds none left is refused and still
   * counts: giving it back could undo a count the limiter's block (a separate write) has just overwritten.
   */
  async take(key: string): Promise<Taken> {
    try {
      const state = await this.limiter.consume(key);
      return { taken: true, left: state.remainingPoints };
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      return { taken: false, secondsBlocked: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
    }
  }

  async giveBack(key: string): Promise<void> {
    await this.limiter.reward(key);
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}
