import type { Announcement } from '@tunet/kit';
import type { EventRow } from './events.repository';

export type RemindedEvent = Pick<EventRow, 'id' | 'title' | 'startsAt' | 'place' | 'remindedAt' | 'cancelledAt'>;

/** `event.reminder_due` of the event to the given members: the sweep's to every confirmed seat, or a late one to one member. */
export const reminderOf = (event: RemindedEvent, recipients: string[]): Announcement => ({
  topic: 'event.reminder_due',
  payload: { eventId: event.id, title: event.title, startsAt: event.startsAt.toISOString(), place: event.place, recipients },
});

/**
 * The reminder a member whose seat is confirmed at `now` gets of their own, or null. `reminded_at` is per event, so
 * a seat confirmed after the sweep (a late sign-up, a promotion from the waitlist) would otherwise get none; a seat
 * confirmed before it is in the sweep's reminder and must not get a second. The caller holds the event's lock, which
 * the sweep's claim also takes, so `remindedAt` cannot change under this decision.
 */
export function lateReminder(event: RemindedEvent, memberId: string, now: Date): Announcement | null {
  if (!event.remindedAt || event.cancelledAt || event.startsAt <= now) return null;
  return reminderOf(event, [memberId]);
}
