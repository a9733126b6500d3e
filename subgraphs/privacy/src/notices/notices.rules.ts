import { DateTime } from 'luxon';

/**
 * The "last changed" date of a notice published at `at`: the day in the association's time zone, as people there
 * read dates (a notice published at 00:30 in Oslo is changed that day, not the UTC day before).
 */
export function lastChangedOn(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISODate()!;
}

/** The first notice is always sent to everyone: nobody has been told anything yet. */
export function isMaterial(previousVersion: number | null, material: boolean): boolean {
  return previousVersion === null || material;
}
