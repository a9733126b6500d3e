import { Redis } from 'ioredis';
import { createLogger } from './logger';
import { logRedisErrors } from './redis-errors';

/**
 * The shared fast store behind rate limits, caches and the event stream.
 * Production and tests use a real Redis; the embedded default uses in-process stand-ins behind the same
 * interfaces, which is only correct while everything runs in one process.
 */
export type FastStore = ({ kind: 'redis'; client: Redis } | { kind: 'memory' }) & {
  /** Prefix of every key, so several deployments or test runs can share one Redis. */
  namespace: string;
};

/**
 * How long a command may wait for its answer, queued while the client reconnects or sent to a server that stopped
 * answering. Redis answers in well under a millisecond; without a bound, a command against a dead Redis waited for
 * the client's reconnection attempts, seconds each (a wrong password took 7.9 s while Redis was down, decision 0053).
 * While Redis is known to be down, callers fail fast without waiting at all (the not-ready shortcut), so the bound only
 * matters for a Redis that hangs with its connection open: 2 s, not less, because an event-loop stall of a loaded
 * process (a garbage collection, argon2 on 2 cores) would otherwise fail healthy commands, and a fail-open check would
 * then let a revoked token or a replayed nonce through. REDIS_COMMAND_TIMEOUT_MS overrides it.
 * A blocking read (XREADGROUP BLOCK) and pub/sub must use a connection without it: see `blockingConnection`.
 */
export const COMMAND_TIMEOUT_MS = 2000;

/** REDIS_COMMAND_TIMEOUT_MS, or the default; a value that is not a whole number of milliseconds from 1 stops the start. */
export function commandTimeoutFromEnv(env: NodeJS.ProcessEnv): number {
  const value = env.REDIS_COMMAND_TIMEOUT_MS;
  if (value === undefined || value === '') return COMMAND_TIMEOUT_MS;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new Error(`REDIS_COMMAND_TIMEOUT_MS must be a whole number of milliseconds, at least 1 (got '${value}')`);
  return Number(value);
}

export async function openFastStore(url: string | undefined, namespace = 'tunet', commandTimeoutMs = commandTimeoutFromEnv(process.env)): Promise<FastStore> {
  if (!url) return { kind: 'memory', namespace };
  const client = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: true, commandTimeout: commandTimeoutMs });
  // Structured and throttled, for this client and its duplicates, instead of ioredis' own stderr line per attempt.
  logRedisErrors(client, createLogger('redis'));
  await client.connect();
  return { kind: 'redis', client, namespace };
}

export async function pingFastStore(store: FastStore): Promise<void> {
  if (store.kind === 'redis') await store.client.ping();
}

export async function closeFastStore(store: FastStore): Promise<void> {
  if (store.kind === 'redis') await store.client.quit();
}

/** A connection of its own for commands that wait on the server by design (XREADGROUP BLOCK), so without the command timeout. */
export function blockingConnection(client: Redis): Redis {
  return client.duplicate({ commandTimeout: undefined });
}
