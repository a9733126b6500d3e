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

export async function openFastStore(url: string | undefined, namespace = 'tunet'): Promise<FastStore> {
  if (!url) return { kind: 'memory', namespace };
  const client = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: true });
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
