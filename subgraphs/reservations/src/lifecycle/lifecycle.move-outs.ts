import { EventSubscriber, payloadOf, type Event, type EventStream, type EventSubscriberOptions, type SubgraphDatabase } from '@tunet/kit';
import { DateTime } from 'luxon';
import type { BookingRow, BookingsRepository } from '../bookings/bookings.repository';
import { settled, type Ending } from '../bookings/bookings.service';
import type { CalendarService } from '../calendar/calendar.service';
import type { RuleResource } from '../rules/booking.rules';
import type { LifecycleRepository } from './lifecycle.repository';

/** What the booker is told, in the `reservation.cancelled` event and on the booking. */
export const MOVED_OUT_REASON = 'Moved out';
/** The zone of a move-out announced before events named the association's (all of them were Norwegian). */
const EARLIER_MOVE_OUT_TIME_ZONE = 'Europe/Oslo';

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
    const { memberId, moveOut, timeZone } = payloadOf(event, 'member.moved_out');
    const tenant = event.associationId;
    const dayAfter = startOfDayAfter(moveOut, timeZone ?? EARLIER_MOVE_OUT_TIME_ZONE);
    for (const bookingId of await this.lifecycle.liveBookingsFrom(tenant, memberId, dayAfter)) {
      const ending = (booking: BookingRow, resource: RuleResource, charged: number) => settled(resource, booking, movedOut(booking, charged));
      await this.bookings.endBooking(tenant, bookingId, ending).catch((error: unknown) => {
        if (!(error instanceof EndedMeanwhile)) throw error;
      });
    }
  }
}

/** The booking was cancelled or decided between the search and its lock; its transaction rolls back untouched. */
class EndedMeanwhile extends Error {}

function movedOut(booking: BookingRow, charged: number): Ending {
  if (booking.status !== 'pending' && booking.status !== 'confirmed') throw new EndedMeanwhile();
  return {
    status: 'cancelled',
    byMemberId: null,
    byBoard: false,
    reason: MOVED_OUT_REASON,
    charges: charged > 0 ? [{ amount: -charged, reason: 'cancellation_refund' }] : [],
  };
}

/** The instant the day after `date` (YYYY-MM-DD) begins in `timeZone`: when the move-out day is over there. */
export function startOfDayAfter(date: string, timeZone: string): Date {
  return DateTime.fromISO(date, { zone: timeZone }).plus({ days: 1 }).startOf('day').toJSDate();
}

/**
 * Hears of move-outs and suspensions through the event stream. The reservations subgraph's replicas share the
 * consumer group `reservations`, so each event is handled by one of them; a group has one subscriber, so add
 * topics here.
 */
export function memberEvents(
  stream: EventStream,
  db: SubgraphDatabase,
  moveOuts: MoveOutCancellations,
  options: Pick<EventSubscriberOptions, 'consumer' | 'blockMs' | 'logger'> = {},
): EventSubscriber {
  const handle = (event: Event) => moveOuts.handle(event);
  return new EventSubscriber({ ...options, stream, db, group: 'reservations', handlers: { 'member.moved_out': handle, 'member.suspended': handle } });
}
