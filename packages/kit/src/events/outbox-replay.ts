import type { EventContracts, TunetEvents } from '@tunet/events';
import type { SubgraphDatabase } from '../database';
import type { EventStream } from './event-stream';

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
}

/**
 * Appends every event of the subgraph's outbox relayed at or after `since` to the stream again, with its own event
 * id, in outbox id order, a batch at a time; resolves to how many. For an operator after Redis lost events (emptied,
 * restored from an older snapshot, a group created anew at its end): the outbox keeps relayed rows for
 * `keepRelayedMs` (72 hours by default), and consumers deduplicate by event id, so what they had handled is a no-op
 * (decision 0052). Reads in system scope, without locks: the relay goes on meanwhile.
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
    const batch = await db.system((tx) => db.outbox.relayedSince(tx, options.since, afterId, batchSize));
    if (batch.length === 0) return total;
    await stream.append(batch.map(({ event }) => (options.group === undefined ? event : { ...event, replayFor: options.group })));
    total += batch.length;
    afterId = batch.at(-1)!.id;
    if (batch.length < batchSize) return total;
  }
}
