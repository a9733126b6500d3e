import { hostname } from 'node:os';
import { createLogger, type BackgroundJob, type Consumer, type Event, type EventStream, type Logger } from '@tunet/kit';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { BookingRow, BookingsRepository, Ending } from '../bookings/bookings.repository';
import type { CalendarService } from '../calendar/calendar.service';
import type { LifecycleRepository } from './lifecycle.repository';

/** The members subgraph's events reservations acts on: move-outs, and suspensions, which end calendar feeds. */
export const MEMBER_TOPICS = ['member.moved_out', 'member.suspended'] as const;
/** What the booker is told, in the `reservation.cancelled` event and on the booking. */
export const MOVED_OUT_REASON = 'Moved out';
/** Move-out days are Norwegian dates, whatever zone a resource is in. */
const MOVE_OUT_TIME_ZONE = 'Europe/Oslo';

const movedOutPayload = z.object({ memberId: z.guid(), moveOut: z.iso.date() });

/**
 * Cancels the bookings of members who move out: those starting after their move-out day, which they no longer
 * live to use. Each is ended as the board would end it — refunded in full, `reservation.cancelled` to the booker in
 * the same transaction — but by no one. A booking found ended already is left alone, so redelivery changes nothing.
 * Their calendar feeds end with the move-out day too, and a suspended member's at once (the kit's CalendarFeeds).
 */
export class MoveOutCancellations {
  constructor(
    private readonly lifecycle: LifecycleRepository,
    private readonly bookings: BookingsRepository,
    private readonly calendar: CalendarService,
  ) {}

  async handle(event: Event): Promise<void> {
    await this.calendar.revoke(event);
    if (event.topic !== 'member.moved_out') return;
    const { memberId, moveOut } = movedOutPayload.parse(event.payload);
    const tenant = event.associationId;
    const dayAfter = startOfDayAfter(moveOut);
    for (const bookingId of await this.lifecycle.liveBookingsFrom(tenant, memberId, dayAfter)) {
      await this.bookings.endBooking(tenant, bookingId, movedOut).catch((error: unknown) => {
        if (!(error instanceof EndedMeanwhile)) throw error;
      });
    }
  }
}

/** The booking was cancelled or decided between the search and its lock; its transaction rolls back untouched. */
class EndedMeanwhile extends Error {}

function movedOut(booking: BookingRow, _resource: unknown, charged: number): Ending {
  if (booking.status !== 'pending' && booking.status !== 'confirmed') throw new EndedMeanwhile();
  return {
    status: 'cancelled',
    byMemberId: null,
    byBoard: false,
    reason: MOVED_OUT_REASON,
    charges: charged > 0 ? [{ amount: -charged, reason: 'cancellation_refund' }] : [],
  };
}

/** The instant the day after `date` (YYYY-MM-DD) begins in Oslo: when the move-out day is over there. */
export function startOfDayAfter(date: string): Date {
  return DateTime.fromISO(date, { zone: MOVE_OUT_TIME_ZONE }).plus({ days: 1 }).startOf('day').toJSDate();
}

/**
 * Hears of move-outs through the event stream. The reservations subgraph's replicas share the consumer group
 * `reservations`, so each event is handled by one of them. Another reservations consumer must not join that group
 * with other topics: a group hands each event to one consumer, which acknowledges unseen the topics it does not
 * take. Add topics here instead.
 */
export class MemberEvents implements BackgroundJob {
  private consumer: Promise<Consumer | undefined> | undefined;

  constructor(
    private readonly stream: EventStream,
    private readonly moveOuts: MoveOutCancellations,
    private readonly options: { consumer?: string; blockMs?: number; logger?: Logger } = {},
  ) {}

  start(): void {
    const logger = this.options.logger ?? createLogger('member-events');
    this.consumer ??= this.stream
      .consume({
        group: 'reservations',
        // Stable across a replica's restarts, so it resumes the events it held when it went down.
        consumer: this.options.consumer ?? `reservations-${hostname()}`,
        topics: MEMBER_TOPICS,
        handler: (event) => this.moveOuts.handle(event),
        blockMs: this.options.blockMs,
        logger,
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'could not join the event stream; bookings of members who move out stay until restart');
        return undefined;
      });
  }

  async stop(): Promise<void> {
    const consumer = await this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }
}
