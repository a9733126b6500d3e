import { conflict } from '@tunet/kit';

/**
 * Seats and the waitlist, as pure functions of an event and its sign-ups. The repository calls them while it
 * holds the event row locked, so what they see cannot change before their decision is written.
 */

export interface SeatedEvent {
  capacity: number | null;
  signupDeadline: Date | null;
  startsAt: Date;
  cancelledAt: Date | null;
}

export interface SeatedSignup {
  id: string;
  adults: number;
  children: number;
  status: 'confirmed' | 'waitlisted' | 'cancelled';
}

export const seatsOf = (signup: Pick<SeatedSignup, 'adults' | 'children'>): number => signup.adults + signup.children;

export function seatsTaken(signups: readonly SeatedSignup[]): number {
  return signups.filter((s) => s.status === 'confirmed').reduce((sum, s) => sum + seatsOf(s), 0);
}

export function seatsLeft(event: SeatedEvent, signups: readonly SeatedSignup[]): number | null {
  return event.capacity === null ? null : Math.max(0, event.capacity - seatsTaken(signups));
}

export function waitlist<S extends SeatedSignup>(signups: readonly S[]): S[] {
  return signups.filter((s) => s.status === 'waitlisted');
}

/** Sign-up closes at the deadline, or when the event starts if the board set none. */
export function assertOpenForSignup(event: SeatedEvent, now: Date): void {
  if (event.cancelledAt) throw conflict('The event is cancelled; it takes no sign-ups.');
  const closesAt = event.signupDeadline ?? event.startsAt;
  if (now.getTime() > closesAt.getTime()) {
    throw conflict(`Sign-up for this event closed at ${closesAt.toISOString()}.`);
  }
}

/**
 * A new sign-up waits whenever anyone already waits, even if it would fit: otherwise a party of two could
 * overtake a party of four that has waited longer.
 */
export function placeFor(event: SeatedEvent, active: readonly SeatedSignup[], seats: number): 'confirmed' | 'waitlisted' {
  if (event.capacity === null) return 'confirmed';
  if (waitlist(active).length > 0) return 'waitlisted';
  return seatsTaken(active) + seats <= event.capacity ? 'confirmed' : 'waitlisted';
}

/**
 * The waitlisted sign-ups (given in sign-up order) that freed seats now admit: from the head, while they fit.
 * It stops at the first that does not fit rather than skipping it, for the same fairness as `placeFor`.
 */
export function promotions<S extends SeatedSignup>(event: SeatedEvent, active: readonly S[]): S[] {
  let free = event.capacity === null ? Number.POSITIVE_INFINITY : event.capacity - seatsTaken(active);
  const promoted: S[] = [];
  for (const signup of waitlist(active)) {
    if (seatsOf(signup) > free) break;
    free -= seatsOf(signup);
    promoted.push(signup);
  }
  return promoted;
}
