import { lowerCaseEnum } from '@tunet/kit';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import type { BookerRole } from '../tables';
import { minutesOfClock } from '../schedule/schedule';

/** GraphQL defaults apply only over HTTP; callers in code may leave optional fields out. */
const orDefault = <T extends z.ZodType, D>(schema: T, fallback: D) => schema.nullish().transform((value) => value ?? fallback);

/** `HH:MM` (or PostgreSQL's `HH:MM:SS` with zero seconds) from 00:00 to 23:59, or to 24:00 where an end may be midnight. */
const clock = (allowMidnightEnd: boolean) =>
  z
    .string()
    .regex(/^([01]\d|2[0-4]):[0-5]\d(:00)?$/, 'must be a time as HH:MM')
    .transform((value) => value.slice(0, 5))
    .refine((value) => minutesOfClock(value) < 24 * 60 || (allowMidnightEnd && value === '24:00'), {
      message: allowMidnightEnd ? 'must be a time from 00:00 to 24:00' : 'must be a time from 00:00 to 23:59',
    });

const timeZone = z.string().refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Oslo');
const minutes = (max: number) => z.number().int().min(0).max(max);
const oere = z.number().int().min(0).max(100_000_000);

const slot = z.object({ start: clock(false), end: clock(true) });

/** Whether two `HH:MM` intervals on one day overlap (touching is fine: 07–10 and 10–13). */
const intervalsOverlap = (a: { start: string; end: string }, b: { start: string; end: string }) =>
  minutesOfClock(a.start) < minutesOfClock(b.end) && minutesOfClock(b.start) < minutesOfClock(a.end);

/** The index of the first interval that starts before the previous one (sorted by start) ends; -1 if none. */
function firstOverlap(intervals: { start: string; end: string }[]): number {
  const order = intervals.map((_, index) => index).sort((a, b) => minutesOfClock(intervals[a]!.start) - minutesOfClock(intervals[b]!.start));
  for (let i = 1; i < order.length; i++) {
    if (intervalsOverlap(intervals[order[i - 1]!]!, intervals[order[i]!]!)) return order[i]!;
  }
  return -1;
}

/** Every field of a resource as the board sets it; an update is checked as the whole resource it would produce. */
export const resourceInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: orDefault(z.string().trim().max(5000), ''),
    photoUrls: orDefault(z.array(z.url({ protocol: /^https?$/ }).max(2000)).max(20), []),
    capacity: orDefault(z.number().int().min(1).max(100_000), null),
    timeZone: orDefault(timeZone, 'Europe/Oslo'),
    locationId: orDefault(z.string(), null),
    bookingMode: lowerCaseEnum(['slots', 'range', 'days']),
    slots: orDefault(z.array(slot).max(48), []),
    minDurationMinutes: orDefault(
      z
        .number()
        .int()
        .min(1)
        .max(60 * 24 * 31),
      null,
    ),
    maxDurationMinutes: orDefault(
      z
        .number()
        .int()
        .min(1)
        .max(60 * 24 * 31),
      null,
    ),
    checkInTime: orDefault(clock(false), null),
    checkOutTime: orDefault(clock(false), null),
    minNoticeMinutes: orDefault(minutes(60 * 24 * 365), 0),
    bookingHorizonDays: orDefault(z.number().int().min(1).max(3650), null),
    bufferMinutes: orDefault(minutes(60 * 24 * 7), 0),
    whoMayBook: orDefault(
      z
        .array(lowerCaseEnum(['resident', 'board', 'external']))
        .min(1)
        .max(3),
      ['resident', 'board'] as BookerRole[],
    ),
    requiresApproval: orDefault(z.boolean(), false),
    rulesText: orDefault(z.string().trim().max(20_000), null),
    requiresRulesAcceptance: orDefault(z.boolean(), false),
    priceUnit: orDefault(lowerCaseEnum(['free', 'per_booking', 'per_slot', 'per_hour', 'per_night']), 'free' as const),
    weekdayPrice: orDefault(oere, 0),
    weekendPrice: orDefault(oere, 0),
    deposit: orDefault(oere, 0),
    freeForBoard: orDefault(z.boolean(), false),
    cancellationDeadlineHours: orDefault(
      z
        .number()
        .int()
        .min(0)
        .max(24 * 365),
      0,
    ),
    lateCancellationFeePercent: orDefault(z.number().int().min(0).max(100), 0),
  })
  .superRefine((input, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (input.bookingMode === 'slots' && input.slots.length === 0) issue('slots', 'SLOTS mode needs at least one slot');
    input.slots.forEach((s, index) => {
      if (minutesOfClock(s.end) <= minutesOfClock(s.start)) {
        ctx.addIssue({ code: 'custom', path: ['slots', index, 'end'], message: 'must be after the start' });
      }
    });
    const overlapping = firstOverlap(input.slots);
    if (overlapping >= 0) ctx.addIssue({ code: 'custom', path: ['slots', overlapping], message: 'overlaps another slot' });
    if (input.minDurationMinutes !== null && input.maxDurationMinutes !== null && input.minDurationMinutes > input.maxDurationMinutes) {
      issue('maxDurationMinutes', 'must not be less than minDurationMinutes');
    }
    if (input.bookingMode === 'days') {
      if (input.checkInTime === null) issue('checkInTime', 'DAYS mode needs a check-in time');
      if (input.checkOutTime === null) issue('checkOutTime', 'DAYS mode needs a check-out time');
    }
    if (input.requiresRulesAcceptance && !input.rulesText) issue('rulesText', 'the rules to accept must be written out');
    const paid = input.weekdayPrice > 0 || input.weekendPrice > 0;
    if (input.priceUnit === 'free' && paid) issue('priceUnit', 'a resource with a price must say what the price is per');
    if (input.priceUnit === 'per_slot' && input.bookingMode !== 'slots') issue('priceUnit', 'PER_SLOT needs SLOTS mode');
    if (input.priceUnit === 'per_night' && input.bookingMode !== 'days') issue('priceUnit', 'PER_NIGHT needs DAYS mode');
  });
export type ResourceInput = z.infer<typeof resourceInput>;

/** Every resource field may be changed; fields left out keep their value. */
export const updateResourceInput = z.looseObject({ resourceId: z.string() });

export const openingHoursInput = z.object({
  resourceId: z.string(),
  hours: z
    .array(z.object({ weekday: z.number().int().min(1).max(7), opens: clock(false), closes: clock(true) }))
    .max(7 * 12)
    .superRefine((hours, ctx) => {
      hours.forEach((h, index) => {
        if (minutesOfClock(h.closes) <= minutesOfClock(h.opens)) {
          ctx.addIssue({ code: 'custom', path: [index, 'closes'], message: 'must be after opens' });
        }
      });
      for (let weekday = 1; weekday <= 7; weekday++) {
        const day = hours.map((h, index) => ({ start: h.opens, end: h.closes, index })).filter((_, i) => hours[i]!.weekday === weekday);
        const overlapping = firstOverlap(day);
        if (overlapping >= 0) ctx.addIssue({ code: 'custom', path: [day[overlapping]!.index], message: 'overlaps other opening hours that day' });
      }
    }),
});

export const closedPeriodInput = z
  .object({ resourceId: z.string(), start: z.date(), end: z.date(), reason: z.string().trim().min(1).max(500) })
  .superRefine((input, ctx) => {
    if (input.end <= input.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
  });

export const quotasInput = z.object({
  resourceId: z.string(),
  quotas: z
    .array(
      z
        .object({
          per: lowerCaseEnum(['unit', 'person']),
          period: lowerCaseEnum(['future', 'calendar_year', 'calendar_month', 'rolling']),
          periodDays: orDefault(z.number().int().min(1).max(3650), null),
          maxBookings: z.number().int().min(1).max(1000),
        })
        .superRefine((quota, ctx) => {
          if (quota.period === 'rolling' && quota.periodDays === null) {
            ctx.addIssue({ code: 'custom', path: ['periodDays'], message: 'a ROLLING quota needs periodDays' });
          }
          if (quota.period !== 'rolling' && quota.periodDays !== null) {
            ctx.addIssue({ code: 'custom', path: ['periodDays'], message: 'only a ROLLING quota has periodDays' });
          }
        }),
    )
    .max(20),
});

export const locationInput = z.object({
  name: z.string().trim().min(1).max(100),
  address: orDefault(z.string().trim().max(300), null),
});
