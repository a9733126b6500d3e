import type { EventContracts, TunetEvents } from '@tunet/events';
import type { SubgraphDatabase } from '../database';
import type { FastStore } from '../redis';
import type { EventStream } from './event-stream';
import { streamGroupStats, type GroupStats } from './stream-metrics';

export interface ReplayOptions {
  /** Every event relayed at or after this time is appended again. */
  since: Date;
  /**
   * Only this consumer group handles the replayed events (`Event.replayFor`); the others acknowledge them unseen.
   * Default: every group, each of which skips what it handled already by event id.
   */
  group?: string;
  /** Events read and appended at a time (default 100). */
  batchSize?: number;
  /** Resolves when the stream has room for the next batch (`waitForConsumers`); default: no wait. */
  room?: () => Promise<void>;
  /** Told after each batch is appended, with how many (`ReplayedEntries.appended`). */
  appended?: (count: number) => Promise<void>;
}

/**
 * Appends every event of the subgraph's outbox relayed at or after `since` to the stream again, with its own event
 * id, in outbox id order, a batch at a time (each after `room`); resolves to how many. For an operator after Redis
 * lost events (emptied, restored from an older snapshot, a group created anew at its end): the outbox keeps relayed
 * rows for `keepRelayedMs` (72 hours by default), and consumers deduplicate by event id, so what they had handled is
 * a no-op (decision 0052). Reads in system scope, without locks: the relay goes on meanwhile.
 */
export async function replayRelayedEvents<C extends EventContracts = TunetEvents>(
  db: Pick<SubgraphDatabase<C>, 'system' | 'outbox'>,
  stream: Pick<EventStream, 'append'>,
  options: ReplayOptions,
): Promise<number> {
  const batchSize = options.batchSize ?? 100;
  let afterId = 0;
  let total = 0;
  for (;;) {
    // The wait comes before the read: an erasure meanwhile deletes rows a batch read earlier would still send.
    await options.room?.();
    const batch = await db.system((tx) => db.outbox.relayedSince(tx, options.since, afterId, batchSize));
    if (batch.length === 0) return total;
    await stream.append(batch.map(({ event }) => (options.group === undefined ? event : { ...event, replayFor: options.group })));
    await options.appended?.(batch.length);
    total += batch.length;
    afterId = batch.at(-1)!.id;
    if (batch.length < batchSize) return total;
  }
}

/**
 * The consumer groups that read the stream: a subscribing subgraph's group is its name, and the event contracts
 * (packages/events) name the subgraphs consuming each topic.
 */
export function consumerGroupsOf(contracts: EventContracts): string[] {
  return [...new Set(Object.values(contracts).flatMap((contract) => contract.consumers))].sort();
}

/**
 * Before a replay: creates each of `groups` the stream lacks, reading from its start, and resolves to those created.
 * After Redis was emptied every group is gone, and a consumer that is down during the replay would create its group
 * at the end when it starts (event-stream.ts), after the replayed events; created here, the events wait for it, and
 * the pacing waits for it too. Reading older entries again is harmless: consumers skip event ids they handled.
 */
export async function createMissingGroups(store: FastStore, groups: readonly string[]): Promise<string[]> {
  if (store.kind !== 'redis') return [];
  const existing = new Set((await streamGroupStats(store)).map((stats) => stats.group));
  const missing = groups.filter((group) => !existing.has(group));
  for (const group of missing) {
    try {
      await store.client.xgroup('CREATE', `${store.namespace}:events`, group, '0', 'MKSTREAM');
    } catch (error) {
      // A consumer that started meanwhile created it: it reads what is appended from now on, the replay included.
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
  }
  return missing;
}

/** How far a replay may run ahead of the slowest consumer group: a tenth of the stream's default 100 000 entries. */
export const REPLAY_MAX_LAG = 10_000;

/**
 * What one replay appended, batch by batch: the stream's newest entry after each batch and how many the replay had
 * appended by then. Tells a group's lag where Redis cannot, without reading the stream's entries.
 */
export class ReplayedEntries {
  private readonly marks: { id: string; total: number }[] = [];
  private total = 0;

  constructor(private readonly store: FastStore) {}

  /** For `ReplayOptions.appended`. */
  readonly appended = async (count: number): Promise<void> => {
    this.total += count;
    if (this.store.kind !== 'redis') return;
    const [newest] = await this.store.client.xrevrange(`${this.store.namespace}:events`, '+', '-', 'COUNT', 1);
    if (newest) this.marks.push({ id: newest[0], total: this.total });
  };

  /** How many of the replay's entries come after `id` (a group's last delivered one), over-counted by at most a batch. */
  after(id: string): number {
    const delivered = this.marks.findLast((mark) => compareEntryIds(mark.id, id) <= 0)?.total ?? 0;
    return this.total - delivered;
  }
}

/** Orders stream entry ids (`<ms>-<seq>`) as Redis does. */
function compareEntryIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bMs, bSeq] = b.split('-').map(BigInt) as [bigint, bigint];
  return aMs === bMs ? Number(aSeq - bSeq) : aMs < bMs ? -1 : 1;
}

/**
 * Each consumer group of the store's event stream with its lag: Redis' own when it knows it, else, during a replay,
 * how many of `replayed` come after the group's last delivered entry. Redis cannot tell the lag of a group that has
 * not read up to the end since it was created or since entries were deleted (on Redis 7.0, any group just created),
 * which is just the group a replay must wait for. Asked every second, so it reads no entries.
 */
export async function streamBacklog(store: FastStore, replayed: ReplayedEntries): Promise<GroupStats[]> {
  const groups = await streamGroupStats(store);
  return groups.map((group) =>
    group.lag !== undefined || group.lastDeliveredId === undefined ? group : { ...group, lag: replayed.after(group.lastDeliveredId) },
  );
}

export interface ConsumerPacing {
  /** The stream's consumer groups and their lag (`streamBacklog`). */
  stats: () => Promise<GroupStats[]>;
  /** A batch waits while a group has more entries not yet delivered to it than this (default REPLAY_MAX_LAG). */
  maxLag?: number;
  /** How often the groups are asked again while waiting (default 1 000 ms). */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Told once per wait: the slowest group and how far behind it is. */
  onWait?: (group: string, lag: number) => void;
}

/**
 * A replay's `room`: waits while the slowest consumer group is more than `maxLag` entries behind. The stream is
 * capped (about 100 000 entries, and 24 hours), so a replay appended at full speed could push entries out before a
 * group has read them, the replayed ones included. Waiting keeps what the groups have still to read under the cap
 * whatever the size of the replay. A group whose lag `stats` cannot tell is not waited for. A group
 * that never reads (its consumers down) holds the replay until it does or the operator stops it: it would miss the
 * entries pushed out otherwise.
 */
export function waitForConsumers(pacing: ConsumerPacing): () => Promise<void> {
  const maxLag = pacing.maxLag ?? REPLAY_MAX_LAG;
  const sleep = pacing.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async () => {
    let told = false;
    for (;;) {
      const slowest = (await pacing.stats()).reduce<GroupStats | undefined>(
        (worst, group) => ((group.lag ?? 0) > (worst?.lag ?? 0) ? group : worst),
        undefined,
      );
      if (!slowest || (slowest.lag ?? 0) <= maxLag) return;
      if (!told) pacing.onWait?.(slowest.group, slowest.lag!);
      told = true;
      await sleep(pacing.pollMs ?? 1_000);
    }
  };
}
