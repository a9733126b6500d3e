import { todayIn } from '@tunet/kit';
import { DateTime } from 'luxon';
import { DEFAULT_SETTINGS } from '../settings/settings.rules';

/** The zone the retention cut-offs are counted in: a day either way does not matter against months. */
const CUTOFF_ZONE = 'Europe/Oslo';
/** The most per-association cut-offs members' route takes in one body. */
export const MAX_CUTOFFS = 1000;

/** The last move-out day whose retention period of `months` has run out by `now`. */
export function cutoffOf(now: Date, months: number): string {
  return DateTime.fromISO(todayIn(CUTOFF_ZONE, now), { zone: 'utc' }).minus({ months }).toISODate()!;
}

/**
 * The cut-offs for members' moved-out route: the default period's for every association, and one per association
 * whose board chose another period. Past MAX_CUTOFFS, the associations with their own period that do not fit are
 * `deferred`: the run asks nothing for them (never the default's cut-off instead of their own).
 */
export function cutoffsOf(now: Date, periods: readonly { associationId: string; retentionMonths: number }[]) {
  const own = periods.filter((period) => period.retentionMonths !== DEFAULT_SETTINGS.retentionMonths);
  return {
    defaultCutoff: cutoffOf(now, DEFAULT_SETTINGS.retentionMonths),
    cutoffs: own.slice(0, MAX_CUTOFFS).map((period) => ({ associationId: period.associationId, cutoff: cutoffOf(now, period.retentionMonths) })),
    /** Associations whose own period did not fit in the body: the run leaves them out entirely. */
    deferred: new Set(own.slice(MAX_CUTOFFS).map((period) => period.associationId)),
  };
}
