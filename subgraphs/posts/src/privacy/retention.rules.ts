/** How long what its author or the board deleted is kept before it is gone for good, files included (decision 0036). */
export const SOFT_DELETED_RETENTION_DAYS = 180;

/**
 * Content deleted before this instant is due for removal at `now`. Days are 24 hours here: the promise is "gone
 * within 180 days", so a daily job that removes it up to a day early near a daylight-saving change keeps it.
 */
export function softDeletedCutoff(now: Date, days = SOFT_DELETED_RETENTION_DAYS): Date {
  return new Date(now.getTime() - days * 24 * 3_600_000);
}
