import { DateTime } from 'luxon';

/** Accounting records are kept five years after the end of their fiscal year, the calendar year (bokføringsloven § 13). */
export const CHARGE_RETENTION_YEARS = 5;

/** The last day a charge made at `createdAt` must be kept (ISO date): 31 December five years after its year ends. */
export function chargeKeptUntil(createdAt: Date, zone: string): string {
  return `${DateTime.fromJSDate(createdAt, { zone }).year + CHARGE_RETENTION_YEARS}-12-31`;
}

/** Charges made before this instant are past their retention at `now`: the start of the year five years back, in `zone`. */
export function chargesDueBefore(now: Date, zone: string): Date {
  const year = DateTime.fromJSDate(now, { zone }).year - CHARGE_RETENTION_YEARS;
  return DateTime.fromObject({ year, month: 1, day: 1 }, { zone }).toJSDate();
}
