import type { EventContracts, TunetEvents } from '@tunet/events';
import type { SubgraphDatabase } from '../database';
import { createLogger, type Logger } from '../logger';
import type { EventStream } from './event-stream';
import { PeriodicJob, type BackgroundJob } from '../background';

export interface OutboxRelayOptions {
  /** Events moved per transaction (default 100). */
  batchSize?: number;
  /** How long the relay sleeps once the outbox is empty: the longest an event waits before it is streamed (default 500). */
  pollIntervalMs?: number;
  logger?: Logger;
}

/**
 * Moves a subgraph's committed outbox events to the event stream. Each batch is locked, appended and marked
 * relayed in one transaction; rows locked by another replica's relay are skipped, so replicas never send the
 * same row twice at once. Delivery is at-least-once: if the process dies (or the commit fails) after the append,
 * the batch is appended again by the next run, so consumers deduplicate by `eventId`. Order follows the outbox
 * ids within a batch, but not strictly across replicas, nor for a transaction that commits after a later id.
 */
export class OutboxRelay<C extends EventContracts = TunetEvents> implements BackgroundJob {
  private readonly batchSize: number;
  private readonly job: PeriodicJob;

  constructor(
    private readonly db: SubgraphDatabase<C>,
    private readonly stream: EventStream,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    // A full batch means more are waiting: the job goes on at once instead of sleeping.
    this.job = new PeriodicJob(
      `outbox-relay:${db.schema}`,
      options.pollIntervalMs ?? 500,
      async () => (await this.relayOnce()) >= this.batchSize,
      options.logger ?? createLogger('outbox-relay'),
    );
  }

  /** Relays one batch of the oldest unrelayed events; resolves to how many. */
  relayOnce(): Promise<number> {
    // System scope: the relay serves every association, and the stream carries each event's own association id.
    return this.db.system(async (tx) => {
      const batch = await this.db.outbox.lockUnrelayed(tx, this.batchSize);
      if (batch.length === 0) return 0;
      await this.stream.append(batch.map((row) => row.event));
      await this.db.outbox.markRelayed(
        tx,
        batch.map((row) => row.id),
      );
      return batch.length;
    });
  }

  start(): void {
    this.job.start();
  }

  /** Resolves once the batch in progress, if any, has committed and the loop has ended. */
  stop(): Promise<void> {
    return this.job.stop();
  }
}
