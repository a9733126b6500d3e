import type { EventContracts, TunetEvents } from '@tunet/events';
import type { SubgraphDatabase } from '../database';
import { createLogger, type Logger } from '../logger';
import { DeadLetters } from './dead-letters';
import type { EventStream } from './event-stream';
import { PeriodicJob, type BackgroundJob } from '../background';
import { outboxLag } from '../metrics';

export interface OutboxRelayOptions {
  /** Events moved per transaction (default 100). */
  batchSize?: number;
  /** How long the relay sleeps once the outbox is empty: the longest an event waits before it is streamed (default 500). */
  pollIntervalMs?: number;
  /**
   * How long a relayed row stays in the outbox before the relay deletes it (default `outboxKeepRelayedMs()`: 72
   * hours, or OUTBOX_KEEP_RELAYED_HOURS): the window in which an operator can replay events a Redis lost
   * (outbox-replay.ts), against how long an erased person's name or a used one-time token lingers (decision 0052).
   */
  keepRelayedMs?: number;
  /**
   * How long a dead letter (dead-letters.ts) is kept for an operator to replay or delete (default 30 days): the event
   * holds personal data, and one nobody looked at in a month is past being useful.
   */
  keepDeadLettersMs?: number;
  /** How often the relay prunes relayed rows and old dead letters, at most (default 60 000). */
  pruneIntervalMs?: number;
  logger?: Logger;
}

/** How long relayed outbox rows are kept by default: a weekend's Redis incident can still be replayed on Monday. */
export const DEFAULT_OUTBOX_KEEP_RELAYED_HOURS = 72;

/**
 * The relay's default `keepRelayedMs`: OUTBOX_KEEP_RELAYED_HOURS (whole hours, at least 1), else 72 hours. Throws on
 * anything else, so a process with a mistyped value fails at start rather than keeping rows for the wrong time.
 */
export function outboxKeepRelayedMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.OUTBOX_KEEP_RELAYED_HOURS;
  if (value === undefined || value === '') return DEFAULT_OUTBOX_KEEP_RELAYED_HOURS * 60 * 60_000;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`OUTBOX_KEEP_RELAYED_HOURS must be a whole number of hours, at least 1, not "${value}"`);
  return Number(value) * 60 * 60_000;
}

/** Rows deleted per prune transaction, so a large backlog of old rows never holds one long lock. */
const PRUNE_BATCH = 1_000;

/**
 * Moves a subgraph's committed outbox events to the event stream. Each batch is locked, appended and marked
 * relayed in one transaction; rows locked by another replica's relay are skipped, so replicas never send the
 * same row twice at once. Delivery is at-least-once: if the process dies (or the commit fails) after the append,
 * the batch is appended again by the next run, so consumers deduplicate by `eventId`. Order follows the outbox
 * ids within a batch, but not strictly across replicas, nor for a transaction that commits after a later id.
 */
export class OutboxRelay<C extends EventContracts = TunetEvents> implements BackgroundJob {
  private readonly batchSize: number;
  private readonly keepRelayedMs: number;
  private readonly keepDeadLettersMs: number;
  private readonly pruneIntervalMs: number;
  private readonly deadLetters: DeadLetters;
  private readonly logger: Logger;
  private readonly job: PeriodicJob;
  private prunedAt = 0;

  constructor(
    private readonly db: SubgraphDatabase<C>,
    private readonly stream: EventStream,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.keepRelayedMs = options.keepRelayedMs ?? outboxKeepRelayedMs();
    this.keepDeadLettersMs = options.keepDeadLettersMs ?? 30 * 24 * 60 * 60_000;
    this.deadLetters = new DeadLetters(db);
    this.logger = options.logger ?? createLogger('outbox-relay');
    this.pruneIntervalMs = options.pruneIntervalMs ?? 60_000;
    // A full batch means more are waiting: the job goes on at once instead of sleeping.
    this.job = new PeriodicJob(
      `outbox-relay:${db.schema}`,
      options.pollIntervalMs ?? 500,
      async () => {
        const more = (await this.relayOnce()) >= this.batchSize;
        if (!more && Date.now() - this.prunedAt >= this.pruneIntervalMs) {
          await this.pruneRelayed();
          await this.pruneDeadLetters();
          this.prunedAt = Date.now();
        }
        return more;
      },
      this.logger,
    );
  }

  /**
   * Relays one batch of the oldest unrelayed events; resolves to how many. A run that fails before it could measure
   * the lag (the database is down) sets the lag gauge to NaN: no value, rather than the last one, which would look
   * like a relay keeping up.
   */
  relayOnce(): Promise<number> {
    let measured = false;
    // System scope: the relay serves every association, and the stream carries each event's own association id.
    return this.db
      .system(async (tx) => {
        const batch = await this.db.outbox.lockUnrelayed(tx, this.batchSize);
        // The oldest waiting row's age, before the append, which fails while the stream is down and the lag grows.
        outboxLag.set({ schema: this.db.schema }, batch.length === 0 ? 0 : Math.max(0, Date.now() - batch[0]!.event.occurredAt.getTime()) / 1000);
        measured = true;
        if (batch.length === 0) return 0;
        await this.stream.append(batch.map((row) => row.event));
        await this.db.outbox.markRelayed(
          tx,
          batch.map((row) => row.id),
        );
        return batch.length;
      })
      .catch((error: unknown) => {
        if (!measured) outboxLag.set({ schema: this.db.schema }, Number.NaN);
        throw error;
      });
  }

  /** Deletes the rows relayed longer than `keepRelayedMs` ago, in batches; resolves to how many. */
  async pruneRelayed(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.db.system((tx) => this.db.outbox.pruneRelayed(tx, this.keepRelayedMs, PRUNE_BATCH));
      total += deleted;
      if (deleted < PRUNE_BATCH) return total;
    }
  }

  /**
   * Deletes dead letters set aside longer than `keepDeadLettersMs` ago, in batches, warning of those never replayed
   * (by group and topic: the event itself is what goes); resolves to how many.
   */
  async pruneDeadLetters(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.deadLetters.prune(this.keepDeadLettersMs, PRUNE_BATCH);
      const unreplayed = deleted.filter((letter) => !letter.replayed).map(({ id, group, topic }) => ({ id, group, topic }));
      if (unreplayed.length > 0)
        this.logger.warn(
          { schema: this.db.schema, deadLetters: unreplayed.slice(0, 50), count: unreplayed.length },
          'dead letters deleted unreplayed after their retention',
        );
      total += deleted.length;
      if (deleted.length < PRUNE_BATCH) return total;
    }
  }

  start(): void {
    this.job.start();
  }

  /** Resolves once the batch in progress, if any, has committed and the loop has ended. */
  stop(): Promise<void> {
    return this.job.stop();
  }
}
