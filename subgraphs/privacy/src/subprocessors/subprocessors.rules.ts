import { DateTime } from 'luxon';

/** The provider's zone: notice and objection periods count in Norwegian calendar days. */
export const PROVIDER_TIME_ZONE = 'Europe/Oslo';

/** The data-processing agreement: a change of sub-processor is announced at least 14 days before it takes effect. */
export const SUBPROCESSOR_NOTICE_DAYS = 14;

/** An association may object to an announced change within 7 days of the announcement. */
export const OBJECTION_DAYS = 7;

/** Today's date in Europe/Oslo at `now`. */
export function providerToday(now: Date): string {
  return DateTime.fromJSDate(now, { zone: PROVIDER_TIME_ZONE }).toISODate() as string;
}

function plusDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate() as string;
}

/** The earliest day a change announced on `today` may take effect without being an emergency. */
export function earliestEffectiveOn(today: string): string {
  return plusDays(today, SUBPROCESSOR_NOTICE_DAYS);
}

/** The last day an association may object to a change announced on `announcedOn` (inclusive). */
export function objectionDeadline(announcedOn: string): string {
  return plusDays(announcedOn, OBJECTION_DAYS);
}

export type EffectiveOnRefusal =
  /** Before `earliest` and not an emergency. */
  | { field: 'effectiveOn'; reason: 'too_soon'; earliest: string }
  /** An emergency cannot take effect before it is announced. */
  | { field: 'effectiveOn'; reason: 'in_the_past'; earliest: string }
  /** An emergency must say why it cannot wait. */
  | { field: 'reason'; reason: 'emergency_without_reason' };

/**
 * Whether a change announced on `today` may take effect on `effectiveOn`: at least 14 days later, or — an emergency
 * with a written reason (a sub-processor that stopped or was compromised) — from today on. Null when it may.
 */
export function refuseEffectiveOn(today: string, change: { effectiveOn: string; emergency: boolean; reason: string | null }): EffectiveOnRefusal | null {
  if (change.emergency) {
    if (!change.reason?.trim()) return { field: 'reason', reason: 'emergency_without_reason' };
    return change.effectiveOn < today ? { field: 'effectiveOn', reason: 'in_the_past', earliest: today } : null;
  }
  const earliest = earliestEffectiveOn(today);
  return change.effectiveOn < earliest ? { field: 'effectiveOn', reason: 'too_soon', earliest } : null;
}

/** Whether an objection on `today` still counts for a change whose objection period ends on `deadline`. */
export function mayObject(today: string, deadline: string): boolean {
  return today <= deadline;
}

/** One announced version of a sub-processor (or its removal), in force from `effectiveOn`. */
export interface SubprocessorVersion {
  subprocessorId: string;
  change: 'added' | 'changed' | 'removed';
  effectiveOn: string;
  announcedAt: Date;
}

/**
 * The register on `today`, folded from its history (nothing in it is overwritten): per sub-processor the latest
 * version in force, left out once removed. Versions announced for a later day are not yet in force.
 */
export function inForce<T extends SubprocessorVersion>(history: readonly T[], today: string): T[] {
  const latest = new Map<string, T>();
  for (const version of history) {
    if (version.effectiveOn > today) continue;
    const current = latest.get(version.subprocessorId);
    const newer =
      !current ||
      version.effectiveOn > current.effectiveOn ||
      (version.effectiveOn === current.effectiveOn && version.announcedAt.getTime() > current.announcedAt.getTime());
    if (newer) latest.set(version.subprocessorId, version);
  }
  return [...latest.values()].filter((version) => version.change !== 'removed');
}
