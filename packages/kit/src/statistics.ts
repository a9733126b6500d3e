import { z } from 'zod';

/**
 * The internal contract of anonymous usage statistics (docs/decisions/0040): the privacy subgraph asks members for
 * an association's residents in a month and reservations and posts for the people active in it, intersects them and
 * lets only aggregates out. Bodies are strict and name their kind, so no other route accepts them; they can ask for
 * one whole calendar month of one association only, in that association's time zone, never an arbitrary range.
 */
export const STATISTICS_RESIDENTS_ROUTE = 'statistics/residents';
export const STATISTICS_BOOKERS_ROUTE = 'statistics/bookers';
export const STATISTICS_COMMENTERS_ROUTE = 'statistics/commenters';

/** A calendar month, YYYY-MM. */
export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');

const timeZoneSchema = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone');

/**
 * Members: the association's residents in the month — people with a tenure at some point in it, not externals and
 * not the "Former resident" tombstone. `month` null means the month it is at `at` in the association's time zone.
 */
export const statisticsResidentsRequestSchema = z.strictObject({
  kind: z.literal('statistics.residents'),
  associationId: z.guid(),
  month: monthSchema.nullable(),
  at: z.iso.datetime(),
});
export type StatisticsResidentsRequest = z.infer<typeof statisticsResidentsRequestSchema>;
export const statisticsResidentsAnswerSchema = z.strictObject({
  month: monthSchema,
  timeZone: z.string(),
  memberIds: z.array(z.guid()),
});
export type StatisticsResidentsAnswer = z.infer<typeof statisticsResidentsAnswerSchema>;

const activityRequest = <K extends string>(kind: K) =>
  z.strictObject({ kind: z.literal(kind), associationId: z.guid(), month: monthSchema, timeZone: timeZoneSchema });
/** Reservations: the distinct members who made a booking in the month. */
export const statisticsBookersRequestSchema = activityRequest('statistics.bookers');
/** Posts: the distinct members who wrote a comment in the month. */
export const statisticsCommentersRequestSchema = activityRequest('statistics.commenters');
export type StatisticsActivityRequest = z.infer<typeof statisticsBookersRequestSchema> | z.infer<typeof statisticsCommentersRequestSchema>;
export const statisticsActivityAnswerSchema = z.strictObject({ memberIds: z.array(z.guid()) });

/** The first day of the month and of the next one (ISO dates), the bounds a route counts between. */
export function monthDays(month: string): { first: string; next: string } {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const next = monthNumber === 12 ? `${year + 1}-01` : `${year}-${String(monthNumber + 1).padStart(2, '0')}`;
  return { first: `${month}-01`, next: `${next}-01` };
}
