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
 * A blocking read (XREADGROUP BLOCK) must use a connection without it: see `blockingConnection`.
 */
export const COMMAND_TIMEOUT_MS = 500;

export async function openFastStore(url: string | undefined, namespace = 'tunet'): Promise<FastStore> {
  if (!url) return { kind: 'memory', namespace };
  const client = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: true, commandTimeout: COMMAND_TIMEOUT_MS });
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
