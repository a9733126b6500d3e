/** How long what its author or the board deleted is kept before it is gone for good, files included (decision 0036). */
export const SOFT_DELETED_RETENTION_DAYS = 180;

/**
 * Content deleted before this instant is due for removal at `now`. The promise is "gone within 180 days" and the job
 * runs daily, so it may come up to a day after content is due: the cut-off is a day early, at 179 days of 24 hours.
 */
export function softDeletedCutoff(now: Date, days = SOFT_DELETED_RETENTION_DAYS - 1): Date {
  return new Date(now.getTime() - days * 24 * 3_600_000);
}
