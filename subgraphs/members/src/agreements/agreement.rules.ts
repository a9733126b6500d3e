import { DateTime } from 'luxon';

/**
 * The terms of service's periods (§3, §8, §9), as pure functions of the association's day (`YYYY-MM-DD` in its
 * time zone). The clock is the caller's: services pass the day it is now, tests any day they like.
 */

/** §3: the provider ends the agreement with 3 months' written notice. */
export const PROVIDER_NOTICE_MONTHS = 3;
/** §8.3: a breach not remedied 5 working days after the written notice allows a block. */
export const REMEDY_WORKING_DAYS = 5;
/** §8: after a block the provider ends the agreement with 7 days' written notice. */
export const BREACH_NOTICE_DAYS = 7;
/** No end date further out than this: a typo of a year should not file an end nobody meant. */
const LATEST_END_YEARS = 5;

export type Party = 'board' | 'provider';

const day = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
const iso = (date: DateTime) => date.toISODate()!;

/** The day it is in `timeZone` at `at`. */
export function dayIn(timeZone: string, at: Date): string {
  return iso(DateTime.fromJSDate(at, { zone: timeZone }));
}

/** The first day the provider may end the agreement on: 3 calendar months from today (31 May + 3 months = 31 Aug). */
export function earliestProviderEnd(today: string): string {
  return iso(day(today).plus({ months: PROVIDER_NOTICE_MONTHS }));
}

/** The day an agreement ended after a block closes: 7 days after the block. */
export function breachEnd(today: string): string {
  return iso(day(today).plus({ days: BREACH_NOTICE_DAYS }));
}

/**
 * Why an end date cannot be filed, or null when it can: the board ends on any day from today (there is no binding,
 * §8), the provider no earlier than 3 months from today (§3).
 */
export function endDateRefusal(party: Party, effectiveOn: string, today: string): string | null {
  if (effectiveOn < today) return 'The agreement cannot end on a day that has passed.';
  if (effectiveOn > iso(day(today).plus({ years: LATEST_END_YEARS }))) return `Choose a day within ${LATEST_END_YEARS} years.`;
  const earliest = earliestProviderEnd(today);
  if (party === 'provider' && effectiveOn < earliest) {
    return `The provider must give at least ${PROVIDER_NOTICE_MONTHS} months' notice: the earliest end is ${earliest}.`;
  }
  return null;
}

/**
 * The last day to remedy a breach noticed on `noticedOn`: the 5th working day after it. Working days are Monday to
 * Friday except Norwegian public holidays; the notice's own day does not count.
 */
export function remedyBy(noticedOn: string): string {
  let date = day(noticedOn);
  for (let left = REMEDY_WORKING_DAYS; left > 0;) {
    date = date.plus({ days: 1 });
    if (isWorkingDay(date)) left--;
  }
  return iso(date);
}

/** Whether a breach noticed with `remedyBy` has gone unremedied past its last day. */
export function remedyHasPassed(remedyByDay: string, today: string): boolean {
  return today > remedyByDay;
}

function isWorkingDay(date: DateTime): boolean {
  return date.weekday <= 5 && !norwegianHolidays(date.year).has(iso(date));
}

/** Norwegian public holidays (helligdager and 1 and 17 May) that can fall on a weekday. */
function norwegianHolidays(year: number): Set<string> {
  const easter = easterSunday(year);
  const fromEaster = [-3, -2, 1, 39, 50].map((days) => iso(easter.plus({ days })));
  return new Set([`${year}-01-01`, `${year}-05-01`, `${year}-05-17`, `${year}-12-25`, `${year}-12-26`, ...fromEaster]);
}

/** Western Easter Sunday (the anonymous Gregorian algorithm). */
function easterSunday(year: number): DateTime {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const dayOfMonth = ((h + l - 7 * m + 114) % 31) + 1;
  return DateTime.utc(year, month, dayOfMonth);
}
