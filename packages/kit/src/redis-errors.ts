import type { Redis } from 'ioredis';
import type { Logger } from './logger';

/** At most one error line per this many ms while a Redis connection keeps failing (issue 17: 18 lines in 20 s). */
export const REDIS_ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * What one ioredis client's `error` and `ready` events are worth logging: the first error of an outage at once,
 * then at most one line per `intervalMs` with how many came meanwhile, and one line when the connection is back.
 * Without an `error` listener ioredis writes `[ioredis] Unhandled error event` to stderr on every reconnect attempt.
 */
export class RedisErrorLog {
  private failing = false;
  private loggedAt = 0;
  /** Errors since the last line written. */
  private unlogged = 0;
  /** Errors since the connection was last ready. */
  private total = 0;

  constructor(
    private readonly logger: Logger,
    private readonly connection: string,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = REDIS_ERROR_LOG_INTERVAL_MS,
  ) {}

  error(error: unknown): void {
    this.total++;
    this.unlogged++;
    const now = this.now();
    if (this.failing && now - this.loggedAt < this.intervalMs) return;
    const first = !this.failing;
    this.failing = true;
    this.loggedAt = now;
    const errors = this.unlogged;
    this.unlogged = 0;
    this.logger.error(
      { err: error, connection: this.connection, errors },
      first ? 'Redis connection failed; retrying' : `Redis connection still failing (${errors} errors since the last line)`,
    );
  }

  ready(): void {
    if (!this.failing) return;
    this.logger.info({ connection: this.connection, errors: this.total }, 'Redis connection is back');
    this.failing = false;
    this.unlogged = 0;
    this.total = 0;
  }
}

/**
 * Gives the client, and every client later made from it with `duplicate()` (blocking stream reads, pub/sub), a
 * throttled structured error log: ioredis copies a client's options to its duplicates, but not its listeners.
 */
export function logRedisErrors(client: Redis, logger: Logger, connection = 'main'): Redis {
  const log = new RedisErrorLog(logger, connection);
  client.on('error', (error: unknown) => log.error(error));
  client.on('ready', () => log.ready());
  const duplicate = client.duplicate.bind(client);
  let duplicates = 0;
  client.duplicate = (...args: Parameters<Redis['duplicate']>) => logRedisErrors(duplicate(...args), logger, `${connection}/${++duplicates}`);
  return client;
}
