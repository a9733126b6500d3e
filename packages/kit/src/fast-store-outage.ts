import type { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { createLogger, type Logger } from './logger';

/**
 * What a process does when the fast store (Redis) fails a command it uses only to go faster or to share counts: it
 * carries on as if the store had nothing (a cache misses, a count is not kept, a slot is not taken) and says so, in
 * a metric every time and in the log at most once per LOG_EVERY_MS for each use (docs/decisions/0059).
 */

/** Bounded label values: the fixed names of the gateway's (and kit's) uses of the store. */
export const fastStoreUnavailable = new Counter({
  name: 'tunet_fast_store_unavailable_total',
  help: 'Fast-store (Redis) commands that failed and were carried on without the store (fail open or cache miss), by use.',
  labelNames: ['use'] as const,
});

/** At most one warning per use this often while the store keeps failing; every failure is counted all the same. */
export const LOG_EVERY_MS = 30_000;

const defaultLogger = createLogger('fast-store');

/** When each use last logged, and how many failures it had since. */
const logged = new Map<string, { at: number; since: number }>();

/** Counts one failure of the store for `use`, and logs it unless that use logged within LOG_EVERY_MS. */
export function storeUnavailable(use: string, error: unknown, logger: Logger = defaultLogger, now = Date.now()): void {
  fastStoreUnavailable.inc({ use });
  const last = logged.get(use);
  if (last && now - last.at < LOG_EVERY_MS) {
    last.since++;
    return;
  }
  logged.set(use, { at: now, since: 0 });
  const failures = (last?.since ?? 0) + 1;
  logger.warn({ err: error, use, failures }, `fast store unavailable: ${use} carries on without it`);
}

/**
 * The store's answer, or `fallback` when the store fails (counted and logged as `use`). While the client is not
 * connected the command is not even sent, so nothing waits for ioredis' reconnection attempts.
 */
export async function withoutStoreIfDown<T>(use: string, client: Redis, command: () => Promise<T>, fallback: T, logger?: Logger): Promise<T> {
  if (client.status !== 'ready') {
    storeUnavailable(use, new Error(`Redis connection ${client.status}`), logger);
    return fallback;
  }
  try {
    return await command();
  } catch (error) {
    storeUnavailable(use, error, logger);
    return fallback;
  }
}
