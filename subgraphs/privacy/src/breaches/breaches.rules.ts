/**
 * The clocks of a personal-data breach (the data-processing agreement, GDPR art. 33): the provider tells each
 * affected association within 24 hours of suspecting the breach, even before it knows everything; the association
 * tells Datatilsynet within 72 hours of being told, or records why the breach is not reportable.
 */
export const NOTIFY_ASSOCIATION_HOURS = 24;
export const NOTIFY_AUTHORITY_HOURS = 72;

const HOUR_MS = 3_600_000;

export type BreachClock = 'notify_association' | 'notify_authority';

/** running: due later; done: in time; late: done after it was due; overdue: due and still undone. */
export type ClockState = 'running' | 'done' | 'late' | 'overdue';

export interface ClockStatus {
  clock: BreachClock;
  /** Null while the clock has not started (the authority's clock starts when the association is told). */
  dueAt: Date | null;
  doneAt: Date | null;
  state: ClockState | 'not_started';
}

/** One affected association's side of a breach. */
export interface BreachNoticeFacts {
  suspectedAt: Date;
  notifiedAt: Date | null;
  /** When the board reported it to Datatilsynet, or decided (with a reason) it is not reportable. */
  authorityDoneAt: Date | null;
}

export function notifyAssociationDueAt(suspectedAt: Date): Date {
  return new Date(suspectedAt.getTime() + NOTIFY_ASSOCIATION_HOURS * HOUR_MS);
}

export function notifyAuthorityDueAt(notifiedAt: Date): Date {
  return new Date(notifiedAt.getTime() + NOTIFY_AUTHORITY_HOURS * HOUR_MS);
}

function stateOf(dueAt: Date, doneAt: Date | null, now: Date): ClockState {
  if (doneAt) return doneAt.getTime() <= dueAt.getTime() ? 'done' : 'late';
  return now.getTime() >= dueAt.getTime() ? 'overdue' : 'running';
}

/** Both clocks of one association's notice as of `now`. */
export function clocksOf(notice: BreachNoticeFacts, now: Date): [ClockStatus, ClockStatus] {
  const notifyDue = notifyAssociationDueAt(notice.suspectedAt);
  const association: ClockStatus = {
    clock: 'notify_association',
    dueAt: notifyDue,
    doneAt: notice.notifiedAt,
    state: stateOf(notifyDue, notice.notifiedAt, now),
  };
  if (!notice.notifiedAt) return [association, { clock: 'notify_authority', dueAt: null, doneAt: null, state: 'not_started' }];
  const authorityDue = notifyAuthorityDueAt(notice.notifiedAt);
  return [
    association,
    { clock: 'notify_authority', dueAt: authorityDue, doneAt: notice.authorityDoneAt, state: stateOf(authorityDue, notice.authorityDoneAt, now) },
  ];
}

/** The moment a suspicion is recorded at: not in the future, and not so old that it is a typing error (a year). */
export function refuseSuspectedAt(suspectedAt: Date, now: Date): string | null {
  if (suspectedAt.getTime() > now.getTime()) return 'suspectedAt: a breach cannot be suspected in the future.';
  if (now.getTime() - suspectedAt.getTime() > 366 * 24 * HOUR_MS) return 'suspectedAt: more than a year ago; check the date.';
  return null;
}

/** When the board reports to Datatilsynet: not before it was told, not in the future. */
export function refuseReportedAt(reportedAt: Date, notifiedAt: Date, now: Date): string | null {
  if (reportedAt.getTime() > now.getTime()) return 'reportedAt: the report cannot be in the future.';
  if (reportedAt.getTime() < notifiedAt.getTime()) return 'reportedAt: before the association was told of the breach.';
  return null;
}
