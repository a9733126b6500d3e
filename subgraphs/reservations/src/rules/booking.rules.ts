import type { ErrorReason, ReasonParams } from '@tunet/kit';
import { DateTime } from 'luxon';
import { fitsSchedule, type ClosedPeriodRow, type OpeningHoursRow, type ScheduleMisfit } from '../schedule/schedule';
import type { BookerRole, quotas, resources, TimeRange } from '../tables';

/**
 * The booking rules an association publishes, enforced rather than policed by hand. Pure functions, one per rule:
 * each answers null when the booking passes, or a refusal with the error reason a client reads and its parameters
 * (the limit, the deadline), so the booker learns what to change. createBooking and bookingQuote run the same
 * `firstRefusal`, so a quote and a booking cannot disagree. The repository supplies the counts; nothing here reads the database or the clock.
 */

export type RuleResource = typeof resources.$inferSelect;
export type QuotaRow = typeof quotas.$inferSelect;

export type RuleName =
  'who_may_book' | 'archived' | 'minimum_notice' | 'booking_horizon' | 'platform_horizon' | 'schedule' | 'rules_acceptance' | 'quota' | 'overlap';

/** The error reasons (kit error-reasons.ts) a booking can be refused with; a quote reports the same ones. */
export type BookingRefusalReason = Extract<
  ErrorReason,
  | 'BOOKING_NOT_ALLOWED'
  | 'RESOURCE_ARCHIVED'
  | 'BOOKING_IN_PAST'
  | 'TOO_SHORT_NOTICE'
  | 'TOO_FAR_AHEAD'
  | ScheduleMisfit['reason']
  | 'RULES_NOT_ACCEPTED'
  | 'QUOTA_EXCEEDED'
  | 'SLOT_TAKEN'
>;

/** A broken rule: which, the reason a client reads with its parameters, and the input field to change (if one). */
export interface Refusal {
  rule: RuleName;
  reason: BookingRefusalReason;
  params: ReasonParams;
  field?: 'start' | 'end' | 'acceptRules';
}

const refuse = (rule: RuleName, reason: BookingRefusalReason, params: ReasonParams = {}, field?: Refusal['field']): Refusal => ({
  rule,
  reason,
  params,
  ...(field ? { field } : {}),
});

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** An instant as an ISO date-time with the offset of the resource's zone, as deadlines in error parameters are. */
export const localIso = (instant: Date, timeZone: string): string => DateTime.fromJSDate(instant, { zone: timeZone }).toISO({ suppressMilliseconds: true })!;

export function whoMayBook(resource: RuleResource, role: BookerRole): Refusal | null {
  if (resource.whoMayBook.includes(role)) return null;
  return refuse('who_may_book', 'BOOKING_NOT_ALLOWED', { resource: resource.name, allowed: resource.whoMayBook.map((r) => r.toUpperCase()).join(',') });
}

export function notArchived(resource: RuleResource): Refusal | null {
  return resource.archivedAt ? refuse('archived', 'RESOURCE_ARCHIVED', { resource: resource.name }) : null;
}

/** A start in the past fails this rule too: no notice at all is still "not before now". */
export function minimumNotice(resource: RuleResource, range: TimeRange, now: Date): Refusal | null {
  const earliest = new Date(now.getTime() + resource.minNoticeMinutes * MINUTE);
  if (range.start >= earliest) return null;
  if (range.start < now) return refuse('minimum_notice', 'BOOKING_IN_PAST', {}, 'start');
  const params = { resource: resource.name, minNoticeMinutes: resource.minNoticeMinutes, earliest: localIso(earliest, resource.timeZone) };
  return refuse('minimum_notice', 'TOO_SHORT_NOTICE', params, 'start');
}

/**
 * However far ahead a resource opens, no booking reaches beyond the platform horizon: a start in year 2999 is a typo
 * or an attempt to hold a resource for ever, and years ahead nobody can know the rules, prices or residents.
 */
export const PLATFORM_HORIZON_YEARS = 2;

/** The end of the last day that opens: midnight after the day two years from today, in the resource's time zone. */
export function platformLatest(timeZone: string, now: Date): Date {
  return DateTime.fromJSDate(now, { zone: timeZone }).plus({ years: PLATFORM_HORIZON_YEARS }).startOf('day').plus({ days: 1 }).toJSDate();
}

export function bookingHorizon(resource: RuleResource, range: TimeRange, now: Date): Refusal | null {
  const days = resource.bookingHorizonDays;
  if (days !== null && range.start.getTime() > now.getTime() + days * DAY) {
    const latest = localIso(new Date(now.getTime() + days * DAY), resource.timeZone);
    return refuse('booking_horizon', 'TOO_FAR_AHEAD', { resource: resource.name, horizonDays: days, latest }, 'start');
  }
  const latest = platformLatest(resource.timeZone, now);
  if (range.start < latest) return null;
  return refuse('booking_horizon', 'TOO_FAR_AHEAD', { resource: resource.name, horizonDays: null, latest: localIso(latest, resource.timeZone) }, 'start');
}

/** The end is held to the platform horizon too, or one long booking could still hold a resource for ever. */
export function platformHorizon(resource: RuleResource, range: TimeRange, now: Date): Refusal | null {
  const latest = platformLatest(resource.timeZone, now);
  if (range.end <= latest) return null;
  return refuse('platform_horizon', 'TOO_FAR_AHEAD', { resource: resource.name, horizonDays: null, latest: localIso(latest, resource.timeZone) }, 'end');
}

export function scheduleFit(resource: RuleResource, openingHours: OpeningHoursRow[], closedPeriods: ClosedPeriodRow[], range: TimeRange): Refusal | null {
  const fit = fitsSchedule(resource, openingHours, closedPeriods, range);
  if (fit.ok) return null;
  const { ok: _ok, reason, ...params } = fit;
  const field = reason === 'END_BEFORE_START' || reason === 'DURATION_NOT_ALLOWED' ? 'end' : 'start';
  return refuse('schedule', reason, { resource: resource.name, ...params }, field);
}

export function rulesAccepted(resource: RuleResource, acceptRules: boolean): Refusal | null {
  if (!resource.requiresRulesAcceptance || acceptRules) return null;
  return refuse('rules_acceptance', 'RULES_NOT_ACCEPTED', { resource: resource.name }, 'acceptRules');
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
export function withinQuota(resource: RuleResource, quota: QuotaRow, count: number): Refusal | null {
  if (count < quota.maxBookings) return null;
  const params = {
    resource: resource.name,
    limit: quota.maxBookings,
    used: count,
    per: quota.per.toUpperCase(),
    period: quota.period.toUpperCase(),
    periodDays: quota.periodDays,
  };
  return refuse('quota', 'QUOTA_EXCEEDED', params);
}

/** Overlap is the exclusion constraint's to decide (BookingsRepository.createBooking); a quote reads it beforehand. */
export function notTaken(taken: boolean): Refusal | null {
  return taken ? refuse('overlap', 'SLOT_TAKEN') : null;
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
  /**
   * Whether a live booking already blocks the time: a quote reads it; a booking leaves it out, since the exclusion
   * constraint refuses an overlapping insert (races included) with the same SLOT_TAKEN, after every rule here.
   */
  taken?: boolean;
  now: Date;
}

/** The first rule the booking breaks, in the order a booker fixes them: who, when, how, how often, and whether it is free. */
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
          withinQuota(resource, quota, count),
    ),
    () => notTaken(request.taken ?? false),
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

/** Board members are not asked to approve their own bookings: approving is their job. */
export function needsApproval(resource: RuleResource, role: BookerRole): boolean {
  return resource.requiresApproval && role !== 'board';
}

/** The deposit is waived together with the price when the board books free. */
export function depositOf(resource: RuleResource, role: BookerRole): number {
  return role === 'board' && resource.freeForBoard ? 0 : resource.deposit;
}

type CancellationResource = Pick<RuleResource, 'cancellationDeadlineHours' | 'lateCancellationFeePercent'>;

/**
 * What cancelling will cost the booker: nothing until `freeUntil` (`cancellation_deadline_hours` before the start),
 * after it `feeAfter`, the late-cancellation percentage of the price rounded to whole øre. Where that fee is nothing,
 * cancelling is free until the start, after which only the board cancels.
 */
export function cancellationTerms(resource: CancellationResource, booking: { during: TimeRange; price: number }): { freeUntil: Date; feeAfter: number } {
  const feeAfter = Math.round((booking.price * resource.lateCancellationFeePercent) / 100);
  if (feeAfter === 0) return { freeUntil: booking.during.start, feeAfter };
  return { freeUntil: new Date(booking.during.start.getTime() - resource.cancellationDeadlineHours * 60 * MINUTE), feeAfter };
}

/** What cancelling at `now` costs the booker, by the terms above. */
export function lateCancellationFee(resource: CancellationResource, booking: { during: TimeRange; price: number }, now: Date): number {
  const { freeUntil, feeAfter } = cancellationTerms(resource, booking);
  return now > freeUntil ? feeAfter : 0;
}
