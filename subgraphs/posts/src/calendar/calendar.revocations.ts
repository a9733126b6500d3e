import { hostname } from 'node:os';
import { createLogger, FEED_REVOKING_TOPICS, type BackgroundJob, type Consumer, type EventStream, type Logger } from '@tunet/kit';
import type { CalendarService } from './calendar.service';

/**
 * Ends the calendar feeds of members who move out or are suspended, from the members subgraph's events. The
 * posts subgraph's replicas share the consumer group `posts`, so each event is handled by one of them. Another
 * posts consumer must not join that group with other topics: a group hands each event to one consumer, which
 * acknowledges unseen the topics it does not take.
 */
export class CalendarRevocations implements BackgroundJob {
  private consumer: Promise<Consumer | undefined> | undefined;

  constructor(
    private readonly stream: EventStream,
    private readonly calendar: CalendarService,
    private readonly options: { consumer?: string; blockMs?: number; logger?: Logger } = {},
  ) {}

  start(): void {
    const logger = this.options.logger ?? createLogger('calendar-revocations');
    this.consumer ??= this.stream
      .consume({
        group: 'posts',
        // Stable across a replica's restarts, so it resumes the events it held when it went down.
        consumer: this.options.consumer ?? `posts-${hostname()}`,
        topics: FEED_REVOKING_TOPICS,
        handler: (event) => this.calendar.revoke(event),
        blockMs: this.options.blockMs,
        logger,
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'could not join the event stream; feeds of departing members stay open until restart');
        return undefined;
      });
  }

  async stop(): Promise<void> {
    const consumer = await this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }
}
