import { DateTime } from 'luxon';

/** The provider's zone: the terms count the notice of a withdrawal in Norwegian calendar months. */
export const PROVIDER_TIME_ZONE = 'Europe/Oslo';

/** Terms of service §2.1: an add-on can only be withdrawn with three months' notice. */
export const WITHDRAWAL_NOTICE_MONTHS = 3;

/** Today's date in Europe/Oslo at `now`. */
export function todayInOslo(now: Date): string {
  return DateTime.fromJSDate(now, { zone: PROVIDER_TIME_ZONE }).toISODate() as string;
}

/**
 * The earliest `endsOn` (the first day without the add-on) announced on `today`: three calendar months later, the
 * same day of the month, or the month's last day when it has none (30 November → 28 or 29 February).
 */
export function earliestWithdrawalEnd(today: string): string {
  return DateTime.fromISO(today, { zone: 'utc' }).plus({ months: WITHDRAWAL_NOTICE_MONTHS }).toISODate() as string;
}

/** Whether `endsOn` gives at least three calendar months' notice from `today`. */
export function givesEnoughNotice(today: string, endsOn: string): boolean {
  return endsOn >= earliestWithdrawalEnd(today);
}
