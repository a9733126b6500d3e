import type { SubgraphDatabase } from '../database';
import { createLogger, type Logger } from '../logger';
import type { EventStream } from './event-stream';
import { Pause } from './pause';

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
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly logger: Logger;
  private readonly pause = new Pause();
  private stopping = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly db: SubgraphDatabase,
    private readonly stream: EventStream,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.logger = options.logger ?? createLogger('outbox-relay');
  }

  /** Relays one batch of the oldest unrelayed events; resolves to how many. */
  relayOnce(): Promise<number> {
    // System scope: the relay serves every association, and the stream carries each event's own association id.
    return this.db.system(async (tx) => {
      const batch = await this.db.outbox.lockUnrelayed(tx, this.batchSize);
      if (batch.length === 0) return 0;
      await this.stream.append(batch.map((row) => row.event));
      await this.db.outbox.markRelayed(tx, batch.map((row) => row.id));
      return batch.length;
    });
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Resolves once the batch in progress, if any, has committed and the loop has ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.pause.interrupt();
    await this.loop;
    this.loop = undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let relayed = 0;
      try {
        relayed = await this.relayOnce();
      } catch (error) {
        this.logger.error({ err: error, schema: this.db.schema }, 'relaying outbox events failed; retrying');
      }
      // A full batch means more are waiting: go on at once.
      if (relayed < this.batchSize && !this.stopping) await this.pause.for(this.pollIntervalMs);
    }
  }
}
