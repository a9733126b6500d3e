import { hostname } from 'node:os';
import { createLogger, type BackgroundJob, type Consumer, type Event, type EventStream, type Logger } from '@tunet/kit';

/** The consumer group every notifications replica shares, so each event is handled by one of them. */
export const NOTIFICATIONS_GROUP = 'notifications';

export interface NotificationEventsOptions {
  /** Unique per replica and stable across its restarts; default `notifications-<hostname>`. */
  consumer?: string;
  blockMs?: number;
  claimIdleMs?: number;
  batchSize?: number;
  logger?: Logger;
}

/**
 * Hears of what happened in the other subgraphs through the event stream and hands each event to the ingest. An
 * event is acknowledged only once the ingest has stored what it means, so a replica that dies on the way leaves it
 * pending, and its restart (or a peer, once the event is idle) handles it again; the ingest's unique keys make that
 * second run store nothing new. Another notifications consumer must not join this group with other topics: a
 * group hands each event to one consumer, which acknowledges unseen the topics it does not take. Add topics here.
 */
export class NotificationEvents implements BackgroundJob {
  private consumer: Promise<Consumer | undefined> | undefined;

  constructor(
    private readonly stream: EventStream,
    private readonly ingest: { handle(event: Event): Promise<unknown> },
    private readonly topics: readonly string[],
    private readonly options: NotificationEventsOptions = {},
  ) {}

  start(): void {
    const logger = this.options.logger ?? createLogger('notification-events');
    this.consumer ??= this.stream
      .consume({
        group: NOTIFICATIONS_GROUP,
        // Stable across a replica's restarts, so it resumes the events it held when it went down.
        consumer: this.options.consumer ?? `notifications-${hostname()}`,
        topics: this.topics,
        handler: async (event) => void (await this.ingest.handle(event)),
        blockMs: this.options.blockMs,
        claimIdleMs: this.options.claimIdleMs,
        batchSize: this.options.batchSize,
        logger,
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'could not join the event stream; no notifications until restart');
        return undefined;
      });
  }

  /** Resolves once the consumer has joined the group: events appended after this reach it. For tests and startup order. */
  async started(): Promise<boolean> {
    return (await this.consumer) !== undefined;
  }

  async stop(): Promise<void> {
    const consumer = await this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }
}
