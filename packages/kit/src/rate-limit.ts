import { Counter } from 'prom-client';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createLogger } from './logger';
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

const failedOpen = new Counter({
  name: 'tunet_rate_limit_fail_open_total',
  help: 'Rate-limit checks let through uncounted because the fast store (Redis) failed or was unreachable, by limit name.',
  labelNames: ['limit'] as const,
});

/** One warning per limit this often while its store is down: a login a second would otherwise log a line a second. */
const WARN_EVERY_MS = 60_000;
const lastWarned = new Map<string, number>();
const logger = createLogger('rate-limit');

/**
 * Counts failures (or any costly events) per key and says when a key must wait. When the store fails (Redis down),
 * every method fails open (decision 0053): the caller proceeds as if the key had points left, uncounted, with a
 * warning and `tunet_rate_limit_fail_open_total`. A limit is a brake, not a door: an outage of Redis must not turn
 * every login into an error. While the client is not connected, the store is not asked at all, so nothing waits.
 */
export class RateLimit {
  private readonly limiter: RateLimiterAbstract;

  constructor(
    private readonly store: FastStore,
    private readonly rule: LimitRule,
  ) {
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
    const state = await this.ask(() => this.limiter.get(key), null);
    return state && state.remainingPoints <= 0 ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0;
  }

  /** Records one event; exceeding the allowance is reported by the next `secondsBlocked`. */
  async record(key: string): Promise<void> {
    await this.ask(async () => {
      await this.limiter.consume(key).catch(refusedAsNothing);
    }, undefined);
  }

  /**
   * Takes a point before a costly check, so that checks running at once cannot together use more points than there
   * are. Give the point back with `giveBack` when the check succeeds. One that finds none left is refused and still
   * counts: giving it back could undo a count the limiter's block (a separate write) has just overwritten.
   */
  async take(key: string): Promise<Taken> {
    const uncounted: Taken = { taken: true, left: this.rule.points };
    return this.ask(async () => {
      try {
        const state = await this.limiter.consume(key);
        return { taken: true, left: state.remainingPoints };
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        return { taken: false, secondsBlocked: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
      }
    }, uncounted);
  }

  async giveBack(key: string): Promise<void> {
    await this.ask(() => this.limiter.reward(key), undefined);
  }

  async reset(key: string): Promise<void> {
    await this.ask(() => this.limiter.delete(key), undefined);
  }

  /** The store's answer, or `open` when the store cannot give one. */
  private async ask<T, O>(question: () => Promise<T>, open: O): Promise<T | O> {
    if (this.store.kind === 'redis' && this.store.client.status !== 'ready') return this.failOpen(open, new Error(`redis ${this.store.client.status}`));
    try {
      return await question();
    } catch (error) {
      return this.failOpen(open, error);
    }
  }

  private failOpen<O>(open: O, error: unknown): O {
    failedOpen.inc({ limit: this.rule.name });
    const now = Date.now();
    if (now - (lastWarned.get(this.rule.name) ?? -Infinity) >= WARN_EVERY_MS) {
      lastWarned.set(this.rule.name, now);
      logger.warn({ err: error, limit: this.rule.name }, 'rate limit store unavailable: letting requests through uncounted');
    }
    return open;
  }
}

/** A consume refused for want of points still counted; only other failures are the store's. */
function refusedAsNothing(error: unknown): void {
  if (!(error instanceof RateLimiterRes)) throw error;
}
