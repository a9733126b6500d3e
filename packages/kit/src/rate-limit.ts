import { Counter } from 'prom-client';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
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

const insured = new Counter({
  name: 'tunet_rate_limit_insurance_total',
  help: 'Rate-limit operations counted in this process only (each replica its own count) because the fast store (Redis) failed or was unreachable, by limit name.',
  labelNames: ['limit'] as const,
});

/**
 * How long a limit waits for Redis before it counts in the process instead. Redis answers in well under a millisecond;
 * a Redis that hangs with its connection open (a partition, CLIENT PAUSE) would otherwise hold every check for the
 * command timeout (2 s), and a login makes about four (decision 0062). A loop stall longer than this on a loaded host
 * only moves that one operation to the per-process count, which is stricter per replica, never open.
 */
export const STORE_WAIT_MS = 200;

/**
 * Keys the per-process count holds per limit at most (about 500 bytes each): during an outage a flood of distinct
 * keys (client networks, e-mail addresses) would otherwise grow a replica's memory without bound. Beyond it, a new key
 * is refused as one that used its points.
 */
export const INSURANCE_KEYS = 100_000;

const insuranceFull = new Counter({
  name: 'tunet_rate_limit_insurance_full_total',
  help: 'Rate-limit operations refused for a new key because the per-process count (Redis down) held its most keys, by limit name.',
  labelNames: ['limit'] as const,
});

/** One warning per limit this often while its store is down: a login a second would otherwise log a line a second. */
const WARN_EVERY_MS = 60_000;
const lastWarned = new Map<string, number>();
const logger = createLogger('rate-limit');

/**
 * What counts while the shared store cannot (rate-limiter-flexible's `insuranceLimiter`): the same points, window
 * and block in this process's memory, so a limit still holds per replica (decision 0062). Every operation on it is
 * counted in `tunet_rate_limit_insurance_total`, and the limit warns once a minute at most.
 */
class Insurance extends RateLimiterMemory {
  /** rate-limiter-flexible's own store of keys, which forgets each at the end of its window. */
  private readonly held: Map<string, unknown>;

  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly limit: string,
    private readonly maxKeys: number,
  ) {
    super(options);
    const held = (this as unknown as { _memoryStorage?: { _storage?: unknown } })._memoryStorage?._storage;
    if (!(held instanceof Map)) throw new Error('rate-limiter-flexible: RateLimiterMemory no longer keeps its keys in a Map');
    this.held = held as Map<string, unknown>;
  }

  /** A refusal for a key the count has no room for, as for a key that used its points, for the limit's window. */
  private full(key: string | number): RateLimiterRes | null {
    if (this.held.size < this.maxKeys || this.held.has(this.getKey(key))) return null;
    insuranceFull.inc({ limit: this.limit });
    return new RateLimiterRes(0, this.duration * 1000, this.points + 1, false);
  }

  private used(): void {
    insured.inc({ limit: this.limit });
    const now = Date.now();
    if (now - (lastWarned.get(this.limit) ?? -Infinity) < WARN_EVERY_MS) return;
    lastWarned.set(this.limit, now);
    logger.warn({ limit: this.limit }, 'rate limit store unavailable: counting in this process only');
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): ReturnType<RateLimiterMemory['consume']> {
    this.used();
    const refused = this.full(args[0]);
    // rate-limiter-flexible refuses with a RateLimiterRes, not an Error, and RateLimit.take tells them apart so.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return refused ? Promise.reject(refused) : super.consume(...args);
  }

  override get(...args: Parameters<RateLimiterMemory['get']>): ReturnType<RateLimiterMemory['get']> {
    this.used();
    const refused = this.full(args[0]);
    return refused ? Promise.resolve(refused) : super.get(...args);
  }

  override reward(...args: Parameters<RateLimiterMemory['reward']>): ReturnType<RateLimiterMemory['reward']> {
    this.used();
    return super.reward(...args);
  }

  override delete(...args: Parameters<RateLimiterMemory['delete']>): ReturnType<RateLimiterMemory['delete']> {
    this.used();
    return super.delete(...args);
  }

  override block(...args: Parameters<RateLimiterMemory['block']>): ReturnType<RateLimiterMemory['block']> {
    this.used();
    return super.block(...args);
  }
}

/**
 * The shared count on Redis, which refuses at once while the client is not connected (`rejectIfRedisNotReady`), so
 * nothing waits in ioredis' offline queue for reconnection attempts. rate-limiter-flexible 11.4 checks that for every
 * command but DEL (a reset, which login makes after each success): checked here too.
 */
class SharedCount extends RateLimiterRedis {
  constructor(
    private readonly redis: Redis,
    options: Omit<ConstructorParameters<typeof RateLimiterRedis>[0], 'storeClient'>,
  ) {
    super({ ...options, storeClient: redis, rejectIfRedisNotReady: true });
  }

  _delete(rlKey: string): Promise<boolean> {
    if (this.redis.status !== 'ready') return Promise.reject(new Error(`Redis connection ${this.redis.status}`));
    return (RateLimiterRedis.prototype as unknown as { _delete(rlKey: string): Promise<boolean> })._delete.call(this, rlKey);
  }
}

/**
 * Counts failures (or any costly events) per key and says when a key must wait. On Redis, every replica shares the
 * count. When Redis fails, is not connected or takes longer than STORE_WAIT_MS, the count goes on in this process
 * (`Insurance`, decision 0062, which replaced decision 0053's fail open): a limit then holds per replica, N replicas
 * allowing N times the points, with a warning and `tunet_rate_limit_insurance_total`. While the client is not
 * connected, Redis is not asked at all (`rejectIfRedisNotReady`), so nothing waits for reconnection attempts; what was
 * counted in the process is not carried over to Redis once it is back.
 */
export class RateLimit {
  private readonly limiter: RateLimiterAbstract;

  constructor(
    store: FastStore,
    private readonly rule: LimitRule,
    { storeWaitMs = STORE_WAIT_MS, insuranceKeys = INSURANCE_KEYS }: { storeWaitMs?: number; insuranceKeys?: number } = {},
  ) {
    const options = {
      keyPrefix: `${store.namespace}:rl:${rule.name}`,
      points: rule.points,
      duration: rule.windowSeconds,
      blockDuration: rule.blockSeconds,
    };
    const inProcess = { ...options, duration: inProcessSeconds(rule.windowSeconds), blockDuration: inProcessSeconds(rule.blockSeconds) };
    if (store.kind === 'memory') {
      this.limiter = new RateLimiterMemory(inProcess);
      return;
    }
    const insurance = new Insurance(inProcess, rule.name, insuranceKeys);
    // The insurance belongs to the wrapper alone: given to the Redis limiter too, a command failing after the wrapper
    // gave up on it would be counted in the process a second time.
    const shared = new SharedCount(store.client, options);
    this.limiter = new RLWrapperTimeouts({ limiter: shared, timeoutMs: storeWaitMs, insuranceLimiter: insurance });
    // rate-limiter-flexible gives its insurance the wrapper's block, which may be longer than a Node timer waits.
    insurance.blockDuration = inProcessSeconds(rule.blockSeconds);
  }

  /** Seconds the key must still wait, or 0 when it may proceed. */
  async secondsBlocked(key: string): Promise<number> {
    const state = await this.limiter.get(key);
    return state && state.remainingPoints <= 0 ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0;
  }

  /** Records one event; exceeding the allowance is reported by the next `secondsBlocked`. */
  async record(key: string): Promise<void> {
    await this.limiter.consume(key).catch(refusedAsNothing);
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

/** At most what a Node timer can wait (LONGEST_IN_PROCESS_SECONDS). */
function inProcessSeconds(seconds: number): number {
  return Math.min(seconds, LONGEST_IN_PROCESS_SECONDS);
}

/** A consume refused for want of points still counted; only other failures are the store's. */
function refusedAsNothing(error: unknown): void {
  if (!(error instanceof RateLimiterRes)) throw error;
}
