import { DateTime } from 'luxon';

/**
 * The rules of the terms of service (docs/decisions/0033), pure and with the clock passed in. Terms are the
 * provider's, one set for every association, so their dates count in the provider's zone, not an association's.
 */
export const TERMS_TIME_ZONE = 'Europe/Oslo';

/** What a rule needs to know of a version. */
export interface VersionDates {
  version: string;
  effectiveOn: string;
}

/** Today in the provider's zone (YYYY-MM-DD). */
export function termsToday(now: Date): string {
  return DateTime.fromJSDate(now, { zone: TERMS_TIME_ZONE }).toISODate()!;
}

/**
 * The earliest day a version published now may take effect: one calendar month after today (6 December → 6
 * January; 31 January → 28 February, as luxon clamps to the month's last day).
 */
export function earliestEffectiveOn(now: Date): string {
  return DateTime.fromJSDate(now, { zone: TERMS_TIME_ZONE }).startOf('day').plus({ months: 1 }).toISODate()!;
}

export function isEffectiveOnAllowed(effectiveOn: string, now: Date): boolean {
  return effectiveOn >= earliestEffectiveOn(now);
}

/** The version in effect on `today`: the one that took effect last; null before the first. */
export function currentVersion<V extends VersionDates>(versions: readonly V[], today: string): V | null {
  return versions.filter((v) => v.effectiveOn <= today).reduce<V | null>((latest, v) => (latest && latest.effectiveOn >= v.effectiveOn ? latest : v), null);
}

/** The next version to take effect after `today`, if any. */
export function nextVersion<V extends VersionDates>(versions: readonly V[], today: string): V | null {
  return versions.filter((v) => v.effectiveOn > today).reduce<V | null>((next, v) => (next && next.effectiveOn <= v.effectiveOn ? next : v), null);
}

/**
 * The day by which the association must accept what it has not: the effective date of the earliest version, in
 * effect or coming, that it has not accepted. A version superseded before it was accepted no longer counts.
 */
export function mustAcceptBy(versions: readonly VersionDates[], accepted: ReadonlySet<string>, today: string): string | null {
  const current = currentVersion(versions, today);
  const waiting = versions.filter((v) => !accepted.has(v.version) && (v.effectiveOn > today || v.version === current?.version));
  return waiting.map((v) => v.effectiveOn).sort()[0] ?? null;
}

/** A board may accept the version in effect or one still to come, not one already superseded. */
export function isAcceptable(versions: readonly VersionDates[], version: string, today: string): boolean {
  const current = currentVersion(versions, today);
  return versions.some((v) => v.version === version && (v.effectiveOn > today || v.version === current?.version));
}
