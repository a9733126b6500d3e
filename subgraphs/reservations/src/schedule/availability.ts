import { DateTime } from 'luxon';
import { platformLatest } from '../rules/booking.rules';
import type { resources, TimeRange } from '../tables';
import {
  clockOn,
  contains,
  localDays,
  minutesOfClock,
  openingIntervals,
  overlaps,
  slotsOn,
  type ClosedPeriodRow,
  type OpeningHoursRow,
  type ScheduleResource,
} from './schedule';

export type AvailabilityResource = ScheduleResource & Pick<typeof resources.$inferSelect, 'minNoticeMinutes' | 'bookingHorizonDays' | 'bufferMinutes'>;

/** What is known about a resource for a window: its schedule and the `blocked` ranges of its live bookings. */
export interface AvailabilityInput {
  resource: AvailabilityResource;
  hours: OpeningHoursRow[];
  closed: ClosedPeriodRow[];
  blocked: TimeRange[];
  window: TimeRange;
  now: Date;
}

/** The window of local calendar dates `from` to `to`, both included, in the resource's time zone. */
export function windowOfDates(from: string, to: string, zone: string): TimeRange {
  return {
    start: DateTime.fromISO(from, { zone }).startOf('day').toJSDate(),
    end: DateTime.fromISO(to, { zone }).plus({ days: 1 }).startOf('day').toJSDate(),
  };
}

/**
 * When a booking may start: no sooner than the minimum notice from now, and no later than the booking horizon
 * (null: no limit of the resource's own). `end`: the platform horizon, which no booking may run past.
 */
export function bookableStarts(resource: AvailabilityResource, now: Date): { earliest: Date; latest: Date | null; end: Date } {
  return {
    earliest: new Date(now.getTime() + resource.minNoticeMinutes * 60_000),
    latest: resource.bookingHorizonDays === null ? null : new Date(now.getTime() + resource.bookingHorizonDays * 86_400_000),
    end: platformLatest(resource.timeZone, now),
  };
}

const plusMinutes = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

/**
 * Whether a whole candidate booking is free: a new booking blocks its time plus the buffer, and that must not
 * overlap what live bookings block, exactly as the exclusion constraint will judge it. Live bookings never overlap
 * each other, so sorted by start they are sorted by end too, and a binary search finds the only one to look at.
 */
export function unblockedCheck(blocked: TimeRange[], bufferMinutes: number): (candidate: TimeRange) => boolean {
  const sorted = blocked.map((r) => [r.start.getTime(), r.end.getTime()] as const).sort((a, b) => a[0] - b[0]);
  return (candidate) => {
    const start = candidate.start.getTime();
    const end = candidate.end.getTime() + bufferMinutes * 60_000;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sorted[middle]![1] <= start) low = middle + 1;
      else high = middle;
    }
    return low === sorted.length || sorted[low]![0] >= end;
  };
}

/** The smallest range that holds all the ranges (which must not be empty). */
function spanOf(ranges: TimeRange[]): TimeRange {
  return ranges.reduce((span, range) => ({
    start: range.start < span.start ? range.start : span.start,
    end: range.end > span.end ? range.end : span.end,
  }));
}

/**
 * Each candidate that starts when bookings are open, lies within opening hours where `withinHours` asks for it,
 * misses the closed periods and is not blocked. Candidates are slots or nights the resource's own templates
 * produced, so of `fitsSchedule` only opening hours and closures remain to check; the opening intervals are built
 * once for all of them, which keeps a month view to one pass of wall-clock arithmetic.
 */
function freeCandidates(input: AvailabilityInput, candidates: TimeRange[], withinHours: boolean): TimeRange[] {
  const { resource, hours, closed, blocked, window, now } = input;
  const { earliest, latest, end } = bookableStarts(resource, now);
  const bookable = candidates.filter(
    (c) => c.start >= window.start && c.start < window.end && c.start >= earliest && (latest === null || c.start <= latest) && c.end <= end,
  );
  if (bookable.length === 0) return [];
  const open = withinHours && hours.length > 0 ? openingIntervals(hours, resource.timeZone, spanOf(bookable)) : null;
  const isUnblocked = unblockedCheck(blocked, resource.bufferMinutes);
  return bookable.filter(
    (candidate) =>
      (open === null || open.some((interval) => contains(interval, candidate))) &&
      !closed.some((period) => overlaps(period.during, candidate)) &&
      isUnblocked(candidate),
  );
}

export function nights(resource: AvailabilityResource, window: TimeRange): TimeRange[] {
  const checkIn = minutesOfClock(resource.checkInTime ?? '00:00');
  const checkOut = minutesOfClock(resource.checkOutTime ?? '00:00');
  return localDays(window, resource.timeZone).map((day) => ({
    start: clockOn(day)(checkIn),
    end: clockOn(day.plus({ days: 1 }))(checkOut),
  }));
}

/** Removes `cut` from each range, which may split it in two. */
function subtract(ranges: TimeRange[], cut: TimeRange): TimeRange[] {
  return ranges.flatMap((range) => {
    if (!overlaps(range, cut)) return [range];
    const pieces: TimeRange[] = [];
    if (range.start < cut.start) pieces.push({ start: range.start, end: cut.start });
    if (cut.end < range.end) pieces.push({ start: cut.end, end: range.end });
    return pieces;
  });
}

/**
 * RANGE mode: the stretches of opening hours in which a booking may lie. A live booking's blocked range is cut out
 * together with the buffer before it, because a new booking ending there would block its own buffer into it.
 */
function freeIntervals(input: AvailabilityInput): TimeRange[] {
  const { resource, hours, closed, blocked, window, now } = input;
  const { earliest, latest, end } = bookableStarts(resource, now);
  const last = Math.min(window.end.getTime(), end.getTime(), latest?.getTime() ?? Infinity);
  const bookable = { start: earliest > window.start ? earliest : window.start, end: new Date(last) };
  if (bookable.end <= bookable.start) return [];
  const cuts = [
    ...closed.map((period) => period.during),
    ...blocked.map((range) => ({ start: plusMinutes(range.start, -resource.bufferMinutes), end: range.end })),
  ];
  const open = openingIntervals(hours, resource.timeZone, bookable)
    .map((interval) => ({
      start: interval.start < bookable.start ? bookable.start : interval.start,
      end: interval.end > bookable.end ? bookable.end : interval.end,
    }))
    .filter((interval) => interval.start < interval.end);
  const minimum = resource.minDurationMinutes ?? 1;
  return cuts.reduce(subtract, open).filter((interval) => interval.end.getTime() - interval.start.getTime() >= minimum * 60_000);
}

/**
 * What can still be booked in the window: free slots (SLOTS), free stretches within opening hours (RANGE) or free
 * nights from check-in to check-out (DAYS), in order. Pure: the caller loads the bookings once per request.
 */
export function freeTimes(input: AvailabilityInput): TimeRange[] {
  const { resource, window } = input;
  switch (resource.bookingMode) {
    case 'slots':
      return freeCandidates(
        input,
        localDays(window, resource.timeZone).flatMap((day) => slotsOn(resource, day)),
        true,
      );
    case 'days':
      return freeCandidates(input, nights(resource, window), false);
    case 'range':
      return freeIntervals(input);
  }
}
