import { hostname } from 'node:os';
import { createLogger, type BackgroundJob, type Consumer, type Event, type EventStream, type Logger } from '@tunet/kit';
import { z } from 'zod';
import type { MembersService } from './members.service';

/** Posts' moderation asks for the author of removed content to be suspended; posts may not touch members' tables. */
export const SUSPENSION_REQUESTED = 'moderation.suspension_requested';

const request = z.object({
  memberId: z.guid(),
  reason: z.string().trim().min(1).max(500),
  until: z.iso.date().nullable(),
});

/**
 * Suspends members whom the board suspended while moderating (`moderation.suspension_requested`). The members
 * subgraph's replicas share the consumer group `members`, so each request is handled by one of them.
 */
export class SuspensionRequests implements BackgroundJob {
  private consumer: Promise<Consumer | undefined> | undefined;
  private readonly logger: Logger;

  constructor(
    private readonly stream: EventStream,
    private readonly members: MembersService,
    private readonly options: { consumer?: string; blockMs?: number; logger?: Logger } = {},
  ) {
    this.logger = options.logger ?? createLogger('suspension-requests');
  }

  start(): void {
    this.consumer ??= this.stream
      .consume({
        group: 'members',
        // Stable across a replica's restarts, so it resumes the events it held when it went down.
        consumer: this.options.consumer ?? `members-${hostname()}`,
        topics: [SUSPENSION_REQUESTED],
        handler: (event) => this.handle(event),
        blockMs: this.options.blockMs,
        logger: this.logger,
      })
      .catch((error: unknown) => {
        this.logger.error({ err: error }, 'could not join the event stream; suspensions from moderation wait until restart');
        return undefined;
      });
  }

  async stop(): Promise<void> {
    const consumer = await this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }

  private async handle(event: Event): Promise<void> {
    const parsed = request.safeParse(event.payload);
    // Redelivering a malformed request would fail the same way forever.
    if (!parsed.success) {
      this.logger.error({ eventId: event.eventId, issues: parsed.error.issues }, 'malformed suspension request; dropped');
      return;
    }
    await this.members.suspendAsRequested(event.associationId, parsed.data);
  }
}
