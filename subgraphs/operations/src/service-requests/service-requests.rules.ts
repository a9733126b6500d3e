import { badUserInput } from '@tunet/kit';
import type { ServiceRequestStatus, ServiceRequestUrgency, UrgentReason } from '../tables';

/**
 * The status workflow of a service request (docs/decisions/0041), as pure rules with the clock passed in:
 * new → acknowledged → in progress ⇄ waiting → resolved → closed; resolved → in progress (reopened within 14 days of
 * the resolution); any open status → rejected with a reason. The schema's ServiceRequestStatus description holds the
 * same table; a unit test covers every from × to pair.
 */
export const TRANSITIONS: Readonly<Record<ServiceRequestStatus, readonly ServiceRequestStatus[]>> = {
  new: ['acknowledged', 'rejected'],
  acknowledged: ['in_progress', 'rejected'],
  in_progress: ['waiting', 'resolved', 'rejected'],
  waiting: ['in_progress', 'resolved', 'rejected'],
  resolved: ['closed', 'in_progress'],
  closed: [],
  rejected: [],
};

export const STATUSES = Object.keys(TRANSITIONS) as ServiceRequestStatus[];

/** Statuses a request is still being dealt with in: it can be rejected, and it counts as open in lists. */
export const OPEN_STATUSES: readonly ServiceRequestStatus[] = ['new', 'acknowledged', 'in_progress', 'waiting'];

/** How long after its resolution a request may be reopened. */
export const REOPEN_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

export const TITLE_MAX = 120;
export const DESCRIPTION_MAX = 4000;
export const PLACE_MAX = 120;
export const REASON_MAX = 1000;

/** Whether the change is a reopening: a resolved request back in progress. */
export function isReopening(from: ServiceRequestStatus, to: ServiceRequestStatus): boolean {
  return from === 'resolved' && to === 'in_progress';
}

/** Whether a resolved request may still be reopened at `now` (within 14 days of `resolvedAt`, inclusive). */
export function canStillReopen(resolvedAt: Date | null, now: Date): boolean {
  return resolvedAt !== null && now.getTime() - resolvedAt.getTime() <= REOPEN_DAYS * DAY_MS;
}

/** Where a request in `from` may go at `now`: the table, without the reopening once its 14 days are over. */
export function allowedTargets(from: ServiceRequestStatus, resolvedAt: Date | null, now: Date): ServiceRequestStatus[] {
  return TRANSITIONS[from].filter((to) => !isReopening(from, to) || canStillReopen(resolvedAt, now));
}

/** The enum value a client sends and reads (ServiceRequestStatus), for messages and `extensions.allowed`. */
export function shown(status: ServiceRequestStatus): string {
  return status.toUpperCase();
}

/**
 * Refuses a change the workflow does not have: BAD_USER_INPUT on `status`, the message and `extensions.allowed`
 * naming where the request may go. A rejection needs a reason (BAD_USER_INPUT on `reason`); a reopening may have one;
 * any other change refuses one (BAD_USER_INPUT on `reason`), since the reporter reads every reason in the history and a
 * note for the board belongs in an internal comment. A reason is at most 1000 characters and not blank. Returns the
 * reason, trimmed, or null.
 */
export function checkTransition(
  change: { from: ServiceRequestStatus; to: ServiceRequestStatus; reason: string | null | undefined },
  resolvedAt: Date | null,
  now: Date,
): string | null {
  const allowed = allowedTargets(change.from, resolvedAt, now);
  if (!allowed.includes(change.to)) {
    const late = isReopening(change.from, change.to) ? ` It was resolved more than ${REOPEN_DAYS} days ago and can no longer be reopened.` : '';
    const targets = allowed.length > 0 ? allowed.map(shown).join(', ') : 'none: it is final';
    throw withAllowed(
      badUserInput('status', `A ${shown(change.from)} request cannot move to ${shown(change.to)}.${late} Allowed: ${targets}.`),
      allowed.map(shown),
    );
  }
  const reason = change.reason?.trim() || null;
  if (change.reason != null && change.reason.length > REASON_MAX) throw badUserInput('reason', `reason: at most ${REASON_MAX} characters.`);
  if (change.to === 'rejected' && reason === null) throw badUserInput('reason', 'reason: a rejection needs a reason the reporter can read.');
  if (reason !== null && change.to !== 'rejected' && !isReopening(change.from, change.to)) {
    throw badUserInput('reason', 'reason: only for a rejection or a reopening (the reporter reads it); use a comment for anything else.');
  }
  return reason;
}

function withAllowed(error: ReturnType<typeof badUserInput>, allowed: string[]): ReturnType<typeof badUserInput> {
  error.extensions.allowed = allowed;
  return error;
}

/** The timestamps a change sets: the first acknowledgement, the latest resolution, the closing. */
export function timestampsFor(
  to: ServiceRequestStatus,
  current: { acknowledgedAt: Date | null },
  now: Date,
): { acknowledgedAt?: Date; resolvedAt?: Date; closedAt?: Date } {
  if (to === 'acknowledged' && current.acknowledgedAt === null) return { acknowledgedAt: now };
  if (to === 'resolved') return { resolvedAt: now };
  if (to === 'closed') return { closedAt: now };
  return {};
}

/** A report's text and urgency as given, checked: title and description trimmed and within limits, urgency with its reason. */
export interface ReportText {
  title: string;
  description: string;
  urgency: ServiceRequestUrgency;
  urgentReason: UrgentReason | null;
}

export function checkReportText(input: { title: string; description: string; urgency: ServiceRequestUrgency; urgentReason?: UrgentReason | null }): ReportText {
  const title = input.title.trim();
  const description = input.description.trim();
  if (title.length === 0 || input.title.length > TITLE_MAX) throw badUserInput('title', `title: 1–${TITLE_MAX} characters.`);
  if (description.length === 0 || input.description.length > DESCRIPTION_MAX) {
    throw badUserInput('description', `description: 1–${DESCRIPTION_MAX} characters.`);
  }
  const urgentReason = input.urgentReason ?? null;
  if (input.urgency === 'urgent' && urgentReason === null) {
    throw badUserInput('urgentReason', 'urgentReason: an urgent request names why (WATER_LEAK, NO_HEAT, NO_POWER or LOCKED_OUT).');
  }
  if (input.urgency === 'normal' && urgentReason !== null) throw badUserInput('urgentReason', 'urgentReason: only an URGENT request has one.');
  return { title, description, urgency: input.urgency, urgentReason };
}

/** The place of a common area, trimmed: 1–120 characters. */
export function checkPlace(place: string | null | undefined): string {
  const trimmed = place?.trim() ?? '';
  if (trimmed.length === 0 || (place?.length ?? 0) > PLACE_MAX)
    throw badUserInput('location.place', `location.place: 1–${PLACE_MAX} characters for a common area.`);
  return trimmed;
}
