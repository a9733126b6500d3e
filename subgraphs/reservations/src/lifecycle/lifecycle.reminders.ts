import type { Announcement, DueReminders } from '@tunet/kit';
import type { BookingRow, LifecycleRepository } from './lifecycle.repository';

/** The reminder sweep's source: `reservation.reminder_due` to the booker, 24 hours before a confirmed booking. */
export class BookingReminders implements DueReminders {
  constructor(private readonly lifecycle: LifecycleRepository) {}

  claimDueReminders(now: Date, until: Date, limit: number): Promise<number> {
    return this.lifecycle.claimDueReminders(now, until, limit, reminderOf);
  }
}

function reminderOf(booking: BookingRow, resourceName: string): Announcement {
  const { id: bookingId, resourceId, during, bookerMemberId } = booking;
  return {
    topic: 'reservation.reminder_due',
    payload: { bookingId, resourceId, resourceName, start: during.start.toISOString(), end: during.end.toISOString(), recipients: [bookerMemberId] },
  };
}
