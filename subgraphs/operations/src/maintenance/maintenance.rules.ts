import { DateTime } from 'luxon';

/**
 * The maintenance plan's rules (docs/decisions/0043). Pure functions, one per rule: nothing here reads the database
 * or the clock; the caller passes `now`. A task's occurrences are counted from its anchor (the first due date and
 * the wall-clock time in the association's zone), never added to the previous instant, so a month-end task comes
 * back to the 31st after February and a 02:30 task is at 02:30 again the week after the spring gap.
 */

export type Recurrence = 'weekly' | 'monthly' | 'yearly' | 'every_n_months';

export interface Schedule {
  recurrence: Recurrence;
  /** Months between occurrences for `every_n_months`; null otherwise. */
  intervalMonths: number | null;
  /** The first due date (YYYY-MM-DD) in the association's zone. */
  anchorOn: string;
  /** The wall-clock due time (HH:MM) in the association's zone. */
  dueTime: string;
  timeZone: string;
}

export interface FieldRefusal {
  field: string;
  reason: string;
}

export const TITLE_MAX = 120;
export const DESCRIPTION_MAX = 2_000;
export const CHECKLIST_MAX_ITEMS = 30;
export const CHECKLIST_ITEM_MAX = 200;
export const ANSWER_NOTE_MAX = 500;
export const INTERVAL_MONTHS_MAX = 60;
/** A first due date years ahead is a typo; nobody plans a round further than this. */
export const FIRST_DUE_HORIZON_YEARS = 2;
/** Occurrences skipped over when a task is completed very late: weekly for a century, far beyond any real backlog. */
const MAX_STEPS = 5_300;

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The k-th due date (k = 0 is the anchor): a 31st falls on the month's last day when the month is shorter. */
export function occurrenceDate(schedule: Schedule, k: number): string {
  const anchor = DateTime.fromISO(schedule.anchorOn, { zone: 'UTC' });
  switch (schedule.recurrence) {
    case 'weekly':
      return anchor.plus({ weeks: k }).toISODate()!;
    case 'monthly':
      return anchor.plus({ months: k }).toISODate()!;
    case 'yearly':
      return anchor.plus({ years: k }).toISODate()!;
    case 'every_n_months':
      return anchor.plus({ months: k * (schedule.intervalMonths ?? 1) }).toISODate()!;
  }
}

/**
 * The instant a wall-clock time on a date has in a zone. A time the spring gap skips (02:30 on the last Sunday of
 * March in Oslo) is moved forward by the gap (03:30 summer time); a time the autumn overlap repeats (02:30 on the
 * last Sunday of October) is its first occurrence, still in summer time. Both as RFC 5545 reads local times.
 */
export function wallClockInstant(date: string, time: string, timeZone: string): Date {
  const [hour, minute] = time.split(':').map(Number);
  const local = DateTime.fromISO(date, { zone: timeZone }).set({ hour, minute, second: 0, millisecond: 0 });
  const offsets = local.getPossibleOffsets();
  // Ambiguous: every possible offset names the same wall clock; the largest offset is the earliest instant.
  const first = offsets.reduce((earliest, candidate) => (candidate.toMillis() < earliest.toMillis() ? candidate : earliest), local);
  return first.toJSDate();
}

/** The k-th occurrence's due instant. */
export function occurrenceAt(schedule: Schedule, k: number): Date {
  return wallClockInstant(occurrenceDate(schedule, k), schedule.dueTime, schedule.timeZone);
}

/**
 * The occurrence that follows a completed one: the first in the schedule after both the completed one's due time and
 * the completion. A task completed months late gets its next round ahead, not a backlog of rounds already missed.
 */
export function nextOccurrence(schedule: Schedule, completed: { seq: number; completedAt: Date }): { seq: number; dueAt: Date } {
  const after = Math.max(occurrenceAt(schedule, completed.seq).getTime(), completed.completedAt.getTime());
  for (let seq = completed.seq + 1; seq <= completed.seq + MAX_STEPS; seq++) {
    const dueAt = occurrenceAt(schedule, seq);
    if (dueAt.getTime() > after) return { seq, dueAt };
  }
  throw new Error(`No occurrence within ${MAX_STEPS} steps after ${new Date(after).toISOString()}`);
}

/** Open and past its due time. A completed occurrence is never overdue, however late it was done. */
export function isOverdue(occurrence: { dueAt: Date; completedAt: Date | null }, now: Date): boolean {
  return occurrence.completedAt === null && occurrence.dueAt.getTime() < now.getTime();
}

export function titleRefusal(title: string): FieldRefusal | null {
  const trimmed = title.trim();
  if (trimmed.length === 0) return { field: 'title', reason: 'A task needs a title.' };
  if (trimmed.length > TITLE_MAX) return { field: 'title', reason: `A title has at most ${TITLE_MAX} characters.` };
  return null;
}

export function descriptionRefusal(description: string | null): FieldRefusal | null {
  if (description !== null && description.length > DESCRIPTION_MAX) {
    return { field: 'description', reason: `A description has at most ${DESCRIPTION_MAX} characters.` };
  }
  return null;
}

export function checklistRefusal(items: readonly string[]): FieldRefusal | null {
  if (items.length > CHECKLIST_MAX_ITEMS) return { field: 'checklist', reason: `A checklist has at most ${CHECKLIST_MAX_ITEMS} items.` };
  const bad = items.findIndex((item) => item.trim().length === 0 || item.trim().length > CHECKLIST_ITEM_MAX);
  if (bad >= 0) return { field: `checklist.${bad}`, reason: `A checklist item has 1 to ${CHECKLIST_ITEM_MAX} characters.` };
  return null;
}

export function dueTimeRefusal(dueTime: string): FieldRefusal | null {
  return TIME.test(dueTime) ? null : { field: 'dueTime', reason: 'A due time is HH:MM on the 24-hour clock, such as 07:30.' };
}

/** `every_n_months` needs its n; the other recurrences must not carry one, so nobody thinks it applies. */
export function intervalRefusal(recurrence: Recurrence, intervalMonths: number | null): FieldRefusal | null {
  if (recurrence !== 'every_n_months') {
    return intervalMonths === null ? null : { field: 'intervalMonths', reason: 'Only EVERY_N_MONTHS takes a number of months.' };
  }
  if (intervalMonths === null || !Number.isInteger(intervalMonths) || intervalMonths < 1 || intervalMonths > INTERVAL_MONTHS_MAX) {
    return { field: 'intervalMonths', reason: `EVERY_N_MONTHS needs a whole number of months from 1 to ${INTERVAL_MONTHS_MAX}.` };
  }
  return null;
}

/** The first due date is today or later in the association's zone, and within the planning horizon. */
export function firstDueRefusal(anchorOn: string, timeZone: string, now: Date): FieldRefusal | null {
  const date = DateTime.fromISO(anchorOn, { zone: timeZone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(anchorOn) || !date.isValid) return { field: 'firstDueOn', reason: 'A first due date is a date (YYYY-MM-DD).' };
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  if (date < today) return { field: 'firstDueOn', reason: 'The first due date cannot be in the past.' };
  if (date > today.plus({ years: FIRST_DUE_HORIZON_YEARS })) {
    return { field: 'firstDueOn', reason: `The first due date is at most ${FIRST_DUE_HORIZON_YEARS} years ahead.` };
  }
  return null;
}

export interface ChecklistAnswer {
  done: boolean;
  note: string | null;
}

/** One answer per checklist item, in the checklist's order: a round with an item left unanswered is not a round. */
export function answersRefusal(checklist: readonly string[], answers: readonly ChecklistAnswer[]): FieldRefusal | null {
  if (answers.length !== checklist.length) {
    return { field: 'answers', reason: `Answer each of the ${checklist.length} checklist items, in order.` };
  }
  const bad = answers.findIndex((answer) => answer.note !== null && answer.note.length > ANSWER_NOTE_MAX);
  if (bad >= 0) return { field: `answers.${bad}.note`, reason: `A note has at most ${ANSWER_NOTE_MAX} characters.` };
  return null;
}

/** Every refusal of a new schedule, first found first. */
export function scheduleRefusal(schedule: Schedule, now: Date): FieldRefusal | null {
  return (
    intervalRefusal(schedule.recurrence, schedule.intervalMonths) ??
    dueTimeRefusal(schedule.dueTime) ??
    firstDueRefusal(schedule.anchorOn, schedule.timeZone, now)
  );
}
