import { badUserInput } from '@tunet/kit';
import { DateTime } from 'luxon';
import { CATEGORIES } from '../deadlines/deadlines.rules';
import type { ServiceRequestCategory, ServiceRequestStatus } from '../tables';

/** The longest period a report covers: a year, leap day included (decision 0044). */
export const MAX_PERIOD_DAYS = 366;
/** The zone of an association that names none, or an unknown one (the project's default). */
export const DEFAULT_TIME_ZONE = 'Europe/Oslo';

export const STATUSES: readonly ServiceRequestStatus[] = ['new', 'acknowledged', 'in_progress', 'waiting', 'resolved', 'closed', 'rejected'];

/** A report's period: the calendar dates asked for, and the instants they span in the association's zone. */
export interface ReportPeriod {
  from: string;
  to: string;
  timeZone: string;
  /** The start of `from` in the zone. */
  start: Date;
  /** The start of the day after `to` in the zone (exclusive), so the last day counts whole, 23 or 25 hours too. */
  end: Date;
}

/**
 * The period from `from` to `to`, both included, in `timeZone` (Europe/Oslo when it is not a zone luxon knows).
 * `to` before `from`, or more than 366 days, is BAD_USER_INPUT on `to`. The dates are real calendar dates already
 * (the Date scalar checked them).
 */
export function reportPeriod(from: string, to: string, timeZone: string | null): ReportPeriod {
  const zone = timeZone && DateTime.local().setZone(timeZone).isValid ? timeZone : DEFAULT_TIME_ZONE;
  const first = DateTime.fromISO(from, { zone });
  const last = DateTime.fromISO(to, { zone });
  if (!first.isValid) throw badUserInput('from', 'from: a calendar date, YYYY-MM-DD.');
  if (!last.isValid) throw badUserInput('to', 'to: a calendar date, YYYY-MM-DD.');
  if (last < first) throw badUserInput('to', 'to: on or after from.');
  const days = Math.round(last.diff(first, 'days').days) + 1;
  if (days > MAX_PERIOD_DAYS) throw badUserInput('to', `to: a period of at most ${MAX_PERIOD_DAYS} days (this one has ${days}).`);
  return { from, to, timeZone: zone, start: first.startOf('day').toJSDate(), end: last.plus({ days: 1 }).startOf('day').toJSDate() };
}

/** The middle value, or the mean of the two middle values for an even count; null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** What the figures read of one request reported in the period. */
export interface ReportedRequest {
  status: ServiceRequestStatus;
  category: ServiceRequestCategory;
  createdAt: Date;
  /** The first change to ACKNOWLEDGED in its history; null if it never was. */
  firstAcknowledgedAt: Date | null;
  /** The first change to RESOLVED in its history (a reopened request keeps its first resolution); null if never. */
  firstResolvedAt: Date | null;
}

export interface ReportFigures {
  total: number;
  byStatus: { status: ServiceRequestStatus; count: number }[];
  byCategory: { category: ServiceRequestCategory; count: number }[];
  /** Seconds from the report to the first acknowledgement, the median over `acknowledgedCount` requests; null for none. */
  medianSecondsToAcknowledge: number | null;
  acknowledgedCount: number;
  /** Seconds from the report to the first resolution, the median over `resolvedCount` requests; null for none. */
  medianSecondsToResolve: number | null;
  resolvedCount: number;
}

const seconds = (later: Date, earlier: Date) => (later.getTime() - earlier.getTime()) / 1000;
const rounded = (value: number | null) => (value === null ? null : Math.round(value));

/**
 * The counts of the requests reported in the period, by their status now and by category (every status and category
 * listed, with zero), and the medians (decision 0044): a request REJECTED now counts in neither median (the
 * association decided not to do the work, and its times would say nothing about how fast work is done); one not yet
 * acknowledged or resolved counts in that median once it is.
 */
export function reportFigures(requests: readonly ReportedRequest[]): ReportFigures {
  const worked = requests.filter((r) => r.status !== 'rejected');
  const toAcknowledge = worked.flatMap((r) => (r.firstAcknowledgedAt ? [seconds(r.firstAcknowledgedAt, r.createdAt)] : []));
  const toResolve = worked.flatMap((r) => (r.firstResolvedAt ? [seconds(r.firstResolvedAt, r.createdAt)] : []));
  return {
    total: requests.length,
    byStatus: STATUSES.map((status) => ({ status, count: requests.filter((r) => r.status === status).length })),
    byCategory: CATEGORIES.map((category) => ({ category, count: requests.filter((r) => r.category === category).length })),
    medianSecondsToAcknowledge: rounded(median(toAcknowledge)),
    acknowledgedCount: toAcknowledge.length,
    medianSecondsToResolve: rounded(median(toResolve)),
    resolvedCount: toResolve.length,
  };
}
