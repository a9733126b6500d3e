import { Gauge } from 'prom-client';
import type { FastStore } from '../redis';
import { memoryGroupStats } from './memory-stream-backend';

/** One consumer group's backlog in the event stream. */
export interface GroupStats {
  group: string;
  /** Entries delivered to a consumer of the group and not acknowledged yet (XINFO GROUPS `pending`). */
  pending: number;
  /** Entries in the stream the group has not been delivered yet (XINFO GROUPS `lag`); undefined when Redis cannot say. */
  lag: number | undefined;
  /** The last entry delivered to the group (XINFO GROUPS `last-delivered-id`); Redis only. */
  lastDeliveredId?: string;
}

/** A scrape must not hang on a Redis that is down: its stream gauges are left out instead. */
const STATS_TIMEOUT_MS = 1_000;

/** The consumer groups of the store's event stream (`<namespace>:events`, as openEventStream names it). */
export async function streamGroupStats(store: FastStore): Promise<GroupStats[]> {
  if (store.kind === 'memory') return memoryGroupStats(store);
  let reply: unknown;
  try {
    reply = await store.client.xinfo('GROUPS', `${store.namespace}:events`);
  } catch (error) {
    if (/no such key/i.test((error as Error).message)) return [];
    throw error;
  }
  return (reply as unknown[][]).map((fields) => {
    const info = new Map<string, unknown>();
    for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]);
    const lag = info.get('lag');
    return {
      group: String(info.get('name')),
      pending: Number(info.get('pending') ?? 0),
      lag: typeof lag === 'number' ? lag : undefined,
      lastDeliveredId: String(info.get('last-delivered-id')),
    };
  });
}

const watched = new Set<FastStore>();

/** The read in flight: both gauges collect at once in a scrape and share it, so XINFO runs once per scrape. */
let reading: Promise<GroupStats[]> | undefined;

function collectGroups(): Promise<GroupStats[]> {
  reading ??= readGroups().finally(() => {
    reading = undefined;
  });
  return reading;
}

async function readGroups(): Promise<GroupStats[]> {
  const all: GroupStats[] = [];
  for (const store of watched) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('stream statistics timed out')), STATS_TIMEOUT_MS);
    });
    try {
      all.push(...(await Promise.race([streamGroupStats(store), timeout])));
    } catch {
      // Redis down or slow: no stream series this scrape; the consumers' own health says why.
    } finally {
      clearTimeout(timer);
    }
  }
  return all;
}

new Gauge({
  name: 'tunet_stream_consumer_pending',
  help: 'Events delivered to a consumer group and not acknowledged yet, by group (XINFO GROUPS pending; read at scrape). Every process sharing the stream reports every group.',
  labelNames: ['group'] as const,
  async collect() {
    this.reset();
    for (const { group, pending } of await collectGroups()) this.set({ group }, pending);
  },
});

new Gauge({
  name: 'tunet_stream_consumer_lag',
  help: 'Events in the stream not yet delivered to a consumer group, by group (XINFO GROUPS lag; read at scrape). Every process sharing the stream reports every group.',
  labelNames: ['group'] as const,
  async collect() {
    this.reset();
    for (const { group, lag } of await collectGroups()) if (lag !== undefined) this.set({ group }, lag);
  },
});

/** Reports the store's consumer groups in tunet_stream_consumer_pending and _lag whenever the metrics are scraped. */
export function watchStreamGroups(store: FastStore): void {
  watched.add(store);
}

/** Stops reporting the store's groups (its connection is closing). */
export function unwatchStreamGroups(store: FastStore): void {
  watched.delete(store);
}
