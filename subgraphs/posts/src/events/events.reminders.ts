import type { Announcement } from '@tunet/kit';
import type { EventRow, SignupRow } from './events.repository';

export type RemindedEvent = Pick<EventRow, 'id' | 'title' | 'startsAt' | 'place' | 'remindedAt' | 'cancelledAt'>;

/** `event.reminder_due` of the event to the given members: the sweep's to every confirmed seat, or a late one to one member. */
export const reminderOf = (event: RemindedEvent, recipients: string[]): Announcement => ({
  topic: 'event.reminder_due',
  payload: { eventId: event.id, title: event.title, startsAt: event.startsAt.toISOString(), place: event.place, recipients },
});

/**
 * The reminder a seat confirmed at `now` gets of its own, or null. `reminded_at` is per event, so a seat confirmed
 * after the sweep (a late sign-up, a promotion from the waitlist) would otherwise get none; a seat confirmed before
 * it is in the sweep's reminder and must not get a second, nor a member who was reminded, cancelled and got a seat
 * again (`remindedBefore`, from any of their sign-ups for the event). The caller holds the event's lock, which the
 * sweep's claim also takes, so neither can change under this decision.
 */
export function lateReminder(event: RemindedEvent, seat: Pick<SignupRow, 'memberId' | 'status'>, remindedBefore: boolean, now: Date): Announcement | null {
  if (seat.status !== 'confirmed' || remindedBefore) return null;
  if (!event.remindedAt || event.cancelledAt || event.startsAt <= now) return null;
  return reminderOf(event, [seat.memberId]);
}
