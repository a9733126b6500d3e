import { DateTime } from 'luxon';
import type { closedPeriods, openingHours, resources, TimeRange } from '../tables';

/** What of a resource decides when it can be booked at all (rules such as notice and quotas live elsewhere). */
export type ScheduleResource = Pick<
  typeof resources.$inferSelect,
  'timeZone' | 'bookingMode' | 'slots' | 'minDurationMinutes' | 'maxDurationMinutes' | 'checkInTime' | 'checkOutTime'
>;
export type OpeningHoursRow = Pick<typeof openingHours.$inferSelect, 'weekday' | 'opens' | 'closes'>;
export type ClosedPeriodRow = Pick<typeof closedPeriods.$inferSelect, 'during' | 'reason'>;

/** Why a time does not fit the schedule, by the error reason a client reads (kit error-reasons.ts), with its parameters. */
export type ScheduleMisfit =
  | { reason: 'END_BEFORE_START' }
  | { reason: 'CLOSED'; closure: string }
  | { reason: 'OUTSIDE_OPENING_HOURS' }
  | { reason: 'NOT_A_SLOT'; slots: string }
  | { reason: 'DURATION_NOT_ALLOWED'; minMinutes: number | null; maxMinutes: number | null }
  | { reason: 'CHECK_IN_CHECK_OUT'; checkIn: string; checkOut: string };
export type ScheduleFit = { ok: true } | ({ ok: false } & ScheduleMisfit);

const MINUTES_PER_DAY = 24 * 60;

/** Minutes after midnight of a wall-clock time, `HH:MM` or PostgreSQL's `HH:MM:SS`; `24:00` is 1440. */
export function minutesOfClock(clock: string): number {
  const [hours, minutes] = clock.split(':');
  return Number(hours) * 60 + Number(minutes);
}

/** `HH:MM` of minutes after midnight, for messages and the API. */
export function clockOfMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The start of the local day that contains `instant` in `zone`. */
export function localDayOf(instant: Date, zone: string): DateTime {
  return DateTime.fromJSDate(instant, { zone }).startOf('day');
}

/**
 * The instant at a wall-clock time on a local day. Set as hour and minute rather than added as a duration, so
 * 07:00 is 07:00 on the days clocks change; 24:00 is the next day's midnight.
 */
export function atClock(day: DateTime, minutes: number): Date {
  if (minutes >= MINUTES_PER_DAY) return day.plus({ days: 1 }).startOf('day').toJSDate();
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 }).toJSDate();
}

/**
 * Wall-clock times of one local day as instants, for many times of the same day. A day without a clock change is
 * 24 hours from its midnight, so its times are plain sums; only the two change days a year ask luxon for each time.
 */
export function clockOn(day: DateTime): (minutes: number) => Date {
  const midnight = day.toMillis();
  if (day.plus({ days: 1 }).toMillis() - midnight !== MINUTES_PER_DAY * 60_000) return (minutes) => atClock(day, minutes);
  return (minutes) => new Date(midnight + minutes * 60_000);
}

/** The local days in `zone` that `range` touches, each as its start. */
export function localDays(range: TimeRange, zone: string): DateTime[] {
  const days: DateTime[] = [];
  for (let day = localDayOf(range.start, zone); day.toMillis() < range.end.getTime(); day = day.plus({ days: 1 })) {
    days.push(day);
  }
  return days;
}

export function overlaps(a: TimeRange, b: TimeRange): boolean {
  return a.start < b.end && b.start < a.end;
}

export function contains(outer: TimeRange, inner: TimeRange): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** Sorted, with overlapping and touching ranges joined: opening 20–24 and 00–02 the next day is one stretch. */
export function mergeRanges(ranges: TimeRange[]): TimeRange[] {
  const sorted = [...ranges].sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: TimeRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) {
      if (range.end > last.end) last.end = range.end;
    } else {
      merged.push({ start: range.start, end: range.end });
    }
  }
  return merged;
}

/** The stretches a resource is open on the local days `window` touches; no opening hours at all: always open. */
export function openingIntervals(hours: OpeningHoursRow[], zone: string, window: TimeRange): TimeRange[] {
  const intervals = localDays(window, zone).flatMap((day) => {
    const at = clockOn(day);
    return hours.length === 0
      ? [{ start: at(0), end: at(MINUTES_PER_DAY) }]
      : hours.filter((row) => row.weekday === day.weekday).map((row) => ({ start: at(minutesOfClock(row.opens)), end: at(minutesOfClock(row.closes)) }));
  });
  return mergeRanges(intervals);
}

/** The resource's slots on one local day, as instants. */
export function slotsOn(resource: Pick<ScheduleResource, 'slots'>, day: DateTime): TimeRange[] {
  const at = clockOn(day);
  return resource.slots.map((slot) => ({ start: at(minutesOfClock(slot.start)), end: at(minutesOfClock(slot.end)) }));
}

const fit = (): ScheduleFit => ({ ok: true });
const misfit = (why: ScheduleMisfit): ScheduleFit => ({ ok: false, ...why });

function minutesBetween(range: TimeRange): number {
  return (range.end.getTime() - range.start.getTime()) / 60_000;
}

function withinOpeningHours(hours: OpeningHoursRow[], zone: string, range: TimeRange): ScheduleFit {
  if (hours.length === 0) return fit();
  if (openingIntervals(hours, zone, range).some((interval) => contains(interval, range))) return fit();
  return misfit({ reason: 'OUTSIDE_OPENING_HOURS' });
}

function fitsSlot(resource: ScheduleResource, hours: OpeningHoursRow[], range: TimeRange): ScheduleFit {
  const day = localDayOf(range.start, resource.timeZone);
  const matches = slotsOn(resource, day).some((slot) => slot.start.getTime() === range.start.getTime() && slot.end.getTime() === range.end.getTime());
  if (!matches) {
    return misfit({ reason: 'NOT_A_SLOT', slots: resource.slots.map((slot) => `${slot.start}–${slot.end}`).join(', ') });
  }
  return withinOpeningHours(hours, resource.timeZone, range);
}

function fitsRange(resource: ScheduleResource, hours: OpeningHoursRow[], range: TimeRange): ScheduleFit {
  const minutes = minutesBetween(range);
  const { minDurationMinutes: minMinutes, maxDurationMinutes: maxMinutes } = resource;
  if ((minMinutes !== null && minutes < minMinutes) || (maxMinutes !== null && minutes > maxMinutes)) {
    return misfit({ reason: 'DURATION_NOT_ALLOWED', minMinutes, maxMinutes });
  }
  return withinOpeningHours(hours, resource.timeZone, range);
}

function fitsDays(resource: ScheduleResource, range: TimeRange): ScheduleFit {
  const checkIn = minutesOfClock(resource.checkInTime ?? '00:00');
  const checkOut = minutesOfClock(resource.checkOutTime ?? '00:00');
  const startDay = localDayOf(range.start, resource.timeZone);
  const endDay = localDayOf(range.end, resource.timeZone);
  const times = { checkIn: clockOfMinutes(checkIn), checkOut: clockOfMinutes(checkOut) };
  if (range.start.getTime() !== atClock(startDay, checkIn).getTime() || range.end.getTime() !== atClock(endDay, checkOut).getTime() || endDay <= startDay) {
    return misfit({ reason: 'CHECK_IN_CHECK_OUT', ...times });
  }
  return fit();
}

/**
 * Whether a booking of `range` fits the resource's schedule: its booking mode (slots, duration, check-in and
 * check-out), its opening hours and its closed periods, all in wall-clock time of the resource's time zone.
 */
export function fitsSchedule(resource: ScheduleResource, hours: OpeningHoursRow[], closed: ClosedPeriodRow[], range: TimeRange): ScheduleFit {
  if (range.end <= range.start) return misfit({ reason: 'END_BEFORE_START' });
  const closure = closed.find((period) => overlaps(period.during, range));
  if (closure) return misfit({ reason: 'CLOSED', closure: closure.reason });
  switch (resource.bookingMode) {
    case 'slots':
      return fitsSlot(resource, hours, range);
    case 'range':
      return fitsRange(resource, hours, range);
    case 'days':
      return fitsDays(resource, range);
  }
}
