import { DateTime } from 'luxon';

/**
 * The terms' periods after an association's agreement ends (seed 002, §5.5 and "Forløp ved opphør"; DPA §
 * "sletting"): a copy of all content ready within a month, available for three months from the end date, then
 * deleted from every system within 180 days. Dates are days in the association's time zone.
 */
export interface ClosureDates {
  /** The last day the export must be ready by. */
  exportDueOn: string;
  /** The last day the export may be downloaded; the next day deletion starts. */
  availableUntil: string;
  /** The last day by which everything of the association is deleted. */
  eraseBy: string;
}

export function closureDates(terminatedOn: string): ClosureDates {
  const end = DateTime.fromISO(terminatedOn, { zone: 'utc' });
  const available = end.plus({ months: 3 });
  return {
    exportDueOn: end.plus({ months: 1 }).toISODate()!,
    availableUntil: available.toISODate()!,
    eraseBy: available.plus({ days: 180 }).toISODate()!,
  };
}

/** The day `now` is in the association's zone. */
export function dayIn(now: Date, timeZone: string): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
}

/** The instant the export stops being available: the end of `availableUntil` in the association's zone. */
export function availableUntilInstant(availableUntil: string, timeZone: string): Date {
  return DateTime.fromISO(availableUntil, { zone: timeZone }).plus({ days: 1 }).toJSDate();
}

/** Deletion starts the day after the export's last day, so the board has all three months. */
export function deletionDue(now: Date, timeZone: string, availableUntil: string): boolean {
  return dayIn(now, timeZone) > availableUntil;
}
