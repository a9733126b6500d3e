import { DateTime } from 'luxon';

/** How far ahead an operator may set a free trial's end. */
export const MAX_TRIAL_DAYS = 366;

/** The legal details a paid add-on needs (the invoice is addressed with them), by the field that is missing. */
export function missingLegalDetails(profile: {
  name: string;
  orgNumber: string | null;
  postalAddress: { street: string; postalCode: string; city: string } | null;
  contactEmail: string | null;
}): string[] {
  const missing: string[] = [];
  if (!profile.name.trim()) missing.push('name');
  if (!profile.orgNumber) missing.push('orgNumber');
  if (!profile.postalAddress) missing.push('postalAddress');
  if (!profile.contactEmail) missing.push('contactEmail');
  return missing;
}

/**
 * Why `trialEndsOn` (the first day after the trial) cannot be used on `today`, or null when it can: it must lie after
 * today and at most a year ahead.
 */
export function trialEndProblem(today: string, trialEndsOn: string): string | null {
  if (trialEndsOn <= today) return `trialEndsOn: the trial must end after today (${today}).`;
  const latest = DateTime.fromISO(today, { zone: 'utc' }).plus({ days: MAX_TRIAL_DAYS }).toISODate() as string;
  if (trialEndsOn > latest) return `trialEndsOn: a trial may end on ${latest} at the latest.`;
  return null;
}
