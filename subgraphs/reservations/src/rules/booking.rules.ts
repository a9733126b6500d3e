import { DateTime } from 'luxon';
import { fitsSchedule, type ClosedPeriodRow, type OpeningHoursRow } from '../schedule/schedule';
import type { BookerRole, quotas, resources, TimeRange } from '../tables';

/**
 * The booking rules an association publishes, enforced rather than policed by hand. Pure functions, one per rule:
 * each answers null when the booking passes, or a refusal whose reason names the rule and its limit, so the booker
 * learns what to change. The repository supplies the counts; nothing here reads the database or the clock.
 */

export type RuleResource = typeof resources.$inferSelect;
export type QuotaRow = typeof quotas.$inferSelect;

export type RuleName = 'who_may_book' | 'archived' | 'minimum_notice' | 'booking_horizon' | 'platform_horizon' | 'schedule' | 'rules_acceptance' | 'quota';

export interface Refusal {
  rule: RuleName;
  reason: string;
}

const refuse = (rule: RuleName, reason: string): Refusal => ({ rule, reason });

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const ROLE_NAMES: Record<BookerRole, string> = { resident: 'residents', board: 'the board', external: 'externals' };

export function whoMayBook(resource: RuleResource, role: BookerRole): Refusal | null {
  if (resource.whoMayBook.includes(role)) return null;
  const allowed = resource.whoMayBook.map((r) => ROLE_NAMES[r]);
  if (allowed.length === 0) return refuse('who_may_book', `Nobody may book ${resource.name} at the moment.`);
  return refuse('who_may_book', `Only ${listed(allowed)} may book ${resource.name}.`);
}

export function notArchived(resource: RuleResource): Refusal | null {
  return resource.archivedAt ? refuse('archived', `${resource.name} is no longer available for booking.`) : null;
}

/** A start in the past fails this rule too: no notice at all is still "not before now". */
export function minimumNotice(resource: RuleResource, range: TimeRange, now: Date): Refusal | null {
  const earliest = now.getTime() + resource.minNoticeMinutes * MINUTE;
  if (range.start.getTime() >= earliest) return null;
  if (resource.minNoticeMinutes === 0) return refuse('minimum_notice', 'The booking must not start in the past.');
  return refuse('minimum_notice', `${resource.name} must be booked at least ${duration(resource.minNoticeMinutes)} before it starts.`);
}

/**
 * However far ahead a resource opens, no booking reaches beyond the platform horizon: a start in year 2999 is a typo
 * or an attempt to hold a resource for ever, and years ahead nobody can know the rules, prices or residents.
 */
export const PLATFORM_HORIZON_YEARS = 2;

/** The end of the last day that opens: midnight after the day two years from today, in the resource's time zone. */
export function platformLatest(timeZone: string, now: Date): Date {
  return lastOpenDay(timeZone, now).plus({ days: 1 }).toJSDate();
}

const lastOpenDay = (timeZone: string, now: Date) =>
  DateTime.fromJSDate(now, { zone: timeZone }).plus({ years: PLATFORM_HORIZON_YEARS }).startOf('day').setLocale('en');

export function bookingHorizon(resource: RuleResource, range: TimeRange, now: Date): Refusal | null {
  const days = resource.bookingHorizonDays;
  if (days !== null && range.start.getTime() > now.getTime() + days * DAY) {
    return refuse('booking_horizon', `${resource.name} can be booked at most ${plural(days, 'day')} ahead.`);
  }
  if (range.start < platformLatest(resource.timeZone, now)) return null;
  const lastDay = lastOpenDay(resource.timeZone, now).toFormat('d LLLL yyyy');
  return refuse('booking_horizon', `Bookings open at most ${plural(PLATFORM_HORIZON_YEARS, 'year')} ahead: the last day is ${lastDay}.`);
}

/** The end is held to the platform horizon too, or one long booking could still hold a resource for ever. */
export function platformHorizon(resource: RuleResource, range: TimeRange, now: Date): Refusal | null {
  if (range.end <= platformLatest(resource.timeZone, now)) return null;
  const lastDay = lastOpenDay(resource.timeZone, now).toFormat('d LLLL yyyy');
  return refuse('platform_horizon', `A booking must end within ${plural(PLATFORM_HORIZON_YEARS, 'year')}: by the end of ${lastDay}.`);
}

export function scheduleFit(resource: RuleResource, openingHours: OpeningHoursRow[], closedPeriods: ClosedPeriodRow[], range: TimeRange): Refusal | null {
  const fit = fitsSchedule(resource, openingHours, closedPeriods, range);
  return fit.ok ? null : refuse('schedule', `${resource.name}: ${fit.reason}`);
}

export function rulesAccepted(resource: RuleResource, acceptRules: boolean): Refusal | null {
  if (!resource.requiresRulesAcceptance || acceptRules) return null;
  return refuse('rules_acceptance', `You must accept the rules of ${resource.name} to book it.`);
}

/**
 * Which existing live bookings count against a quota for a booking starting at `start`: those not yet over
 * (`future`), or those starting in the calendar year or month of `start` in the resource's time zone. A `rolling`
 * quota holds for every period of `period_days` days, so the bookings starting within that many days on either
 * side are read and `busiestRollingPeriod` counts the fullest period the new booking would fall in.
 */
export type QuotaWindow = { kind: 'not_ended'; at: Date } | { kind: 'starting'; from: Date; to: Date };

export function quotaWindow(quota: QuotaRow, start: Date, timeZone: string, now: Date): QuotaWindow {
  const local = DateTime.fromJSDate(start, { zone: timeZone });
  switch (quota.period) {
    case 'future':
      return { kind: 'not_ended', at: now };
    case 'calendar_year':
      return { kind: 'starting', from: local.startOf('year').toJSDate(), to: local.startOf('year').plus({ years: 1 }).toJSDate() };
    case 'calendar_month':
      return { kind: 'starting', from: local.startOf('month').toJSDate(), to: local.startOf('month').plus({ months: 1 }).toJSDate() };
    case 'rolling': {
      const span = (quota.periodDays ?? 0) * DAY;
      return { kind: 'starting', from: new Date(start.getTime() - span), to: new Date(start.getTime() + span) };
    }
  }
}

/**
 * The most existing bookings in any period of `days` days that also holds `start`. Such a period can always be
 * slid to begin at its earliest booking (or at `start`) without losing any, so only those beginnings are tried.
 */
export function busiestRollingPeriod(existingStarts: readonly Date[], start: Date, days: number): number {
  const span = days * DAY;
  const at = start.getTime();
  const times = existingStarts.map((s) => s.getTime());
  const beginnings = [at, ...times.filter((t) => t <= at && t > at - span)];
  return Math.max(...beginnings.map((begin) => times.filter((t) => t >= begin && t < begin + span).length));
}

/** `count`: the household's or person's live bookings of the resource in the quota's window, this one not included. */
export function withinQuota(resource: RuleResource, quota: QuotaRow, start: Date, count: number): Refusal | null {
  if (count < quota.maxBookings) return null;
  const who = quota.per === 'unit' ? 'Your household already has' : 'You already have';
  const local = DateTime.fromJSDate(start, { zone: resource.timeZone }).setLocale('en');
  const noun = quota.period === 'future' ? 'upcoming booking' : 'booking';
  const when = {
    future: '',
    calendar_year: ` in ${local.toFormat('yyyy')}`,
    calendar_month: ` in ${local.toFormat('LLLL yyyy')}`,
    rolling: ` within ${plural(quota.periodDays ?? 0, 'day')} of ${local.toFormat('d LLLL yyyy')}`,
  }[quota.period];
  return refuse('quota', `${who} ${plural(count, noun)} of ${resource.name}${when} (limit ${quota.maxBookings}).`);
}

export interface BookingRequest {
  resource: RuleResource;
  openingHours: OpeningHoursRow[];
  closedPeriods: ClosedPeriodRow[];
  role: BookerRole;
  range: TimeRange;
  acceptRules: boolean;
  /** Each quota that applies to the booker with its count (unit quotas only when the booker has a household). */
  quotaCounts: { quota: QuotaRow; count: number }[];
  now: Date;
}

/** The first rule the booking breaks, in the order a booker fixes them: who, when, how, how often. */
export function firstRefusal(request: BookingRequest): Refusal | null {
  const { resource, range, now } = request;
  const checks = [
    () => whoMayBook(resource, request.role),
    () => notArchived(resource),
    () => minimumNotice(resource, range, now),
    () => bookingHorizon(resource, range, now),
    () => platformHorizon(resource, range, now),
    () => scheduleFit(resource, request.openingHours, request.closedPeriods, range),
    () => rulesAccepted(resource, request.acceptRules),
    ...request.quotaCounts.map(
      ({ quota, count }) =>
        () =>
          withinQuota(resource, quota, range.start, count),
    ),
  ];
  for (const check of checks) {
    const refusal = check();
    if (refusal) return refusal;
  }
  return null;
}

const isWeekend = (day: DateTime) => day.weekday >= 6;

/**
 * What the booking costs in øre. Weekend prices apply to bookings starting on a Saturday or Sunday, and for nights
 * to each Saturday and Sunday night on its own; hours are started hours. The board books free where the resource
 * says so.
 */
export function priceOf(resource: RuleResource, range: TimeRange, role: BookerRole): number {
  if (role === 'board' && resource.freeForBoard) return 0;
  const zone = resource.timeZone;
  const rate = (day: DateTime) => (isWeekend(day) ? resource.weekendPrice : resource.weekdayPrice);
  const firstDay = DateTime.fromJSDate(range.start, { zone });
  switch (resource.priceUnit) {
    case 'free':
      return 0;
    case 'per_booking':
    case 'per_slot':
      return rate(firstDay);
    case 'per_hour':
      return Math.ceil((range.end.getTime() - range.start.getTime()) / (60 * MINUTE)) * rate(firstDay);
    case 'per_night':
      return nightsOf(range, zone).reduce((sum, night) => sum + rate(night), 0);
  }
}

/** The local days whose evening the stay covers; a stay always has at least one night. */
function nightsOf(range: TimeRange, zone: string): DateTime[] {
  const last = DateTime.fromJSDate(range.end, { zone }).startOf('day');
  const nights: DateTime[] = [];
  for (let day = DateTime.fromJSDate(range.start, { zone }).startOf('day'); day < last; day = day.plus({ days: 1 })) {
    nights.push(day);
  }
  return nights.length > 0 ? nights : [DateTime.fromJSDate(range.start, { zone })];
}

/** The deposit is waived together with the price when the board books free. */
export function depositOf(resource: RuleResource, role: BookerRole): number {
  return role === 'board' && resource.freeForBoard ? 0 : resource.deposit;
}

/**
 * What cancelling costs the booker: nothing before the deadline (`cancellation_deadline_hours` before the start),
 * after it the late-cancellation percentage of the price, rounded to whole øre.
 */
export function lateCancellationFee(
  resource: Pick<RuleResource, 'cancellationDeadlineHours' | 'lateCancellationFeePercent'>,
  booking: { during: TimeRange; price: number },
  now: Date,
): number {
  const deadline = booking.during.start.getTime() - resource.cancellationDeadlineHours * 60 * MINUTE;
  if (now.getTime() <= deadline) return 0;
  return Math.round((booking.price * resource.lateCancellationFeePercent) / 100);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function duration(minutes: number): string {
  if (minutes % (24 * 60) === 0) return plural(minutes / (24 * 60), 'day');
  if (minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(minutes, 'minute');
}

function listed(items: string[]): string {
  return items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
