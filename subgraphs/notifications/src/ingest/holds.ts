import { DateTime, FixedOffsetZone } from 'luxon';

/** The zone quiet hours and digests fall back to when a stored zone is not one luxon knows. */
export const DEFAULT_TIME_ZONE = 'Europe/Oslo';

/** A wall-clock time of day, minutes after midnight. */
export type ClockTime = number;

/** Minutes after midnight of `HH:MM` or `HH:MM:SS` (PostgreSQL's `time` text); null for anything else. */
export function parseClock(text: string): ClockTime | null {
  const match = /^(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(text);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  return hours < 24 && minutes < 60 ? hours * 60 + minutes : null;
}

function zoned(at: Date, zone: string): DateTime {
  const local = DateTime.fromJSDate(at, { zone });
  return local.isValid ? local : DateTime.fromJSDate(at, { zone: DEFAULT_TIME_ZONE });
}

/**
 * The first instant after `after` at which the clock in `zone` reads `clock`. Across a DST change the wall-clock
 * time may happen twice (the earlier one after `after` is taken) or not at all (the clock's jump forward is taken,
 * e.g. 02:30 on the spring-forward night in Oslo is 03:30 summer time, which is when 02:30 winter time would be).
 */
export function nextWallClock(after: Date, zone: string, clock: ClockTime): Date {
  const local = zoned(after, zone);
  const hour = Math.floor(clock / 60);
  const minute = clock % 60;
  let best: DateTime | null = null;
  // Today's time may have passed and tomorrow's may be skipped by a DST change; three days always hold one.
  for (let days = 0; days <= 2 && !best; days++) {
    for (const candidate of instantsAt(local.startOf('day').plus({ days }), hour, minute)) {
      if (candidate.toMillis() > after.getTime() && (!best || candidate < best)) best = candidate;
    }
  }
  // Every zone's clock reads every time of day within three days, so `best` is set; the fallback satisfies the types.
  return (best ?? local.plus({ days: 1 })).toJSDate();
}

/** Every instant at which the clock reads hour:minute on `day`'s date: one, two in a repeated hour, and in a skipped hour the one luxon moves it to. */
function instantsAt(day: DateTime, hour: number, minute: number): DateTime[] {
  const wall = { year: day.year, month: day.month, day: day.day, hour, minute };
  const guess = DateTime.fromObject(wall, { zone: day.zone });
  const offsets = new Set([guess.offset, guess.minus({ hours: 6 }).offset, guess.plus({ hours: 6 }).offset]);
  const exact = [...offsets]
    .map((offset) => DateTime.fromObject(wall, { zone: FixedOffsetZone.instance(offset) }).setZone(day.zone))
    .filter((at) => at.hour === hour && at.minute === minute && at.day === day.day);
  return exact.length > 0 ? exact : [guess];
}

/** A person's quiet hours as stored: start and end wall-clock times, end before start when they pass midnight. */
export interface QuietHours {
  start: ClockTime;
  end: ClockTime;
}

/** The quiet hours of stored `time` values, or null when there are none (or they are unreadable or empty). */
export function quietHoursOf(start: string | null, end: string | null): QuietHours | null {
  if (start === null || end === null) return null;
  const from = parseClock(start);
  const to = parseClock(end);
  if (from === null || to === null || from === to) return null;
  return { start: from, end: to };
}

/** When the quiet hours that `at` falls in end, or null when `at` is outside them. */
export function quietHoursEndAfter(at: Date, zone: string, quiet: QuietHours): Date | null {
  const local = zoned(at, zone);
  const now = local.hour * 60 + local.minute;
  const inside = quiet.start < quiet.end ? now >= quiet.start && now < quiet.end : now >= quiet.start || now < quiet.end;
  return inside ? nextWallClock(at, zone, quiet.end) : null;
}

/** When the next daily digest after `at` goes out: the next start of `digestHour` in the person's zone. */
export function nextDigestAt(at: Date, zone: string, digestHour: number): Date {
  return nextWallClock(at, zone, digestHour * 60);
}
