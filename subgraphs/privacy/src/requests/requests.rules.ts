import { badUserInput, todayIn } from '@tunet/kit';
import { DateTime } from 'luxon';
import type { RequestKind, StepStatus } from '../tables';

/** At most two months' extension in all (GDPR art. 12(3)), given with a reason the person is told. */
export const MAX_EXTENSION_MONTHS = 2;
export const MAX_REASON_LENGTH = 2000;

/**
 * The last day to answer a request received at `receivedAt`: the same day one calendar month later in the association's
 * time zone (the last day of that month when it has no such day: received 31 January, due 28 or 29 February), plus
 * the months of any extension, counted from the receipt as well.
 */
export function deadlineOf(receivedAt: Date, timeZone: string, extensionMonths = 0): string {
  const received = DateTime.fromISO(todayIn(timeZone, receivedAt), { zone: 'utc' });
  return received.plus({ months: 1 + extensionMonths }).toISODate()!;
}

/** Past its deadline: the deadline's day is over in the association's time zone. */
export function isOverdue(deadline: string, timeZone: string, now: Date): boolean {
  return todayIn(timeZone, now) > deadline;
}

/**
 * Too late to extend: the original deadline (one month after receipt) has passed. GDPR art. 12(3) lets the controller
 * extend only by telling the person within that first month, so the board's extension is refused after it.
 */
export function extensionTooLate(receivedAt: Date, timeZone: string, now: Date): boolean {
  return isOverdue(deadlineOf(receivedAt, timeZone), timeZone, now);
}

/**
 * An extension of `months` on top of the `current` ones, with its reason: BAD_USER_INPUT (with the field) for a month
 * count other than 1 or 2, one that takes the total past two months, or a missing or overlong reason. Returns the
 * trimmed reason.
 */
export function checkExtension(current: number, months: number, reason: string): string {
  if (months !== 1 && months !== 2) throw badUserInput('months', 'An extension is 1 or 2 months.');
  if (current + months > MAX_EXTENSION_MONTHS) {
    throw badUserInput('months', `A request may be extended by at most ${MAX_EXTENSION_MONTHS} months in all; ${current} already used.`);
  }
  const trimmed = reason.trim();
  if (trimmed.length === 0) throw badUserInput('reason', 'Say why the request needs more time: the person is told.');
  if (trimmed.length > MAX_REASON_LENGTH) throw badUserInput('reason', `The reason is at most ${MAX_REASON_LENGTH} characters.`);
  return trimmed;
}

/**
 * An erasure's phases: members first and alone (its erasure ends every session at once and deletes the login with the
 * last membership, so nothing new appears in a subgraph already erased while another is down), then every other
 * subgraph (they need only the member id and the tombstone id), then privacy's own (a late `personal_data.accessed`
 * event that made a pseudonym again is caught).
 */
export function erasurePhase(subgraph: string): number {
  if (subgraph === 'members') return 0;
  return subgraph === 'privacy' ? 2 : 1;
}

/** The steps to call on this run: every pending one for an export; for an erasure the pending ones of the earliest phase. */
export function stepsToRun<S extends { subgraph: string; status: StepStatus }>(kind: RequestKind, steps: readonly S[]): S[] {
  const pending = steps.filter((step) => step.status === 'pending');
  if (kind === 'export' || pending.length === 0) return pending;
  const phase = Math.min(...pending.map((step) => erasurePhase(step.subgraph)));
  return pending.filter((step) => erasurePhase(step.subgraph) === phase);
}

/** What a failed call is shown as: the kind of failure, never the other side's body or a stack trace. */
export function describeFailure(failure: { status: number } | { error: unknown }): string {
  if ('status' in failure) return `answered HTTP ${failure.status}`;
  const error = failure.error;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'did not answer in time';
  if (error instanceof SyntaxError || (error instanceof Error && error.name === 'ZodError')) return 'answered outside the privacy contract';
  return 'unreachable';
}

/**
 * Requests of a kind a person may make in a day (GDPR art. 12(5): manifestly excessive requests may be refused).
 * An open request is returned when asked again, so this counts requests that were answered and asked for anew.
 */
export const MAX_REQUESTS_PER_DAY = 3;
const DAY_MS = 86_400_000;

/** Seconds until another request may be made, or 0 when it may be made now. */
export function retryAfterSeconds(receivedInLastDay: readonly Date[], now: Date): number {
  if (receivedInLastDay.length < MAX_REQUESTS_PER_DAY) return 0;
  const oldest = receivedInLastDay[receivedInLastDay.length - MAX_REQUESTS_PER_DAY]!;
  return Math.max(1, Math.ceil((oldest.getTime() + DAY_MS - now.getTime()) / 1000));
}
