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

/** Sign-up (and changing one) closes at the deadline, or when the event starts if the board set none. */
export const signUpClosesAt = (event: SeatedEvent): Date => event.signupDeadline ?? event.startsAt;

/** Why the event takes no new sign-up or change now: the reasons `signUpForEvent` and `changeSignUp` refuse with. */
export type ClosedReason = 'EVENT_CANCELLED' | 'SIGNUP_CLOSED';

export function closedReason(event: SeatedEvent, now: Date): ClosedReason | null {
  if (event.cancelledAt) return 'EVENT_CANCELLED';
  return now.getTime() > signUpClosesAt(event).getTime() ? 'SIGNUP_CLOSED' : null;
}

/**
 * Why `changeSignup` would not take a party of `seats` now, or null. After the deadline a party may still shrink
 * or keep its size (as it may still cancel), never grow; a cancelled event takes no change at all.
 */
export function changeClosedReason(event: SeatedEvent, now: Date, mine: Pick<SeatedSignup, 'adults' | 'children'>, seats: number): ClosedReason | null {
  const reason = closedReason(event, now);
  return reason === 'SIGNUP_CLOSED' && seats <= seatsOf(mine) ? null : reason;
}

/**
 * Why the viewer could not sign up now, or null when a sign-up would be taken (confirmed or waitlisted: a full
 * event still takes sign-ups for its waitlist). `Event.signUpStatus` shows it and `signUpForEvent` refuses with it,
 * so a button a client shows from the one never meets the other's refusal.
 */
export type SignUpReason = ClosedReason | 'SIGNUP_RESIDENTS_ONLY' | 'ALREADY_SIGNED_UP';

export function signUpReason(event: SeatedEvent, now: Date, viewer: { maySignUp: boolean; signedUp: boolean }): SignUpReason | null {
  if (!viewer.maySignUp) return 'SIGNUP_RESIDENTS_ONLY';
  return closedReason(event, now) ?? (viewer.signedUp ? 'ALREADY_SIGNED_UP' : null);
}

/**
 * A sign-up may grow only into seats nobody waits for: with others on the waitlist, growing would overtake them
 * (as `placeFor` keeps a new sign-up from doing). A waitlisted sign-up keeps its place whatever its size; the
 * promotions after the change decide whether it now fits. Shrinking never costs the seat.
 */
export function fitsAfterChange(event: SeatedEvent, active: readonly SeatedSignup[], changed: SeatedSignup, seats: number): boolean {
  if (changed.status !== 'confirmed' || seats <= seatsOf(changed) || event.capacity === null) return true;
  if (waitlist(active).length > 0) return false;
  return seatsTaken(active) - seatsOf(changed) + seats <= event.capacity;
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
