import type { Entitlements } from '@tunet/kit';
import { DateTime } from 'luxon';

/** The billing feature that lets an association send text messages. */
export const SMS_FEATURE = 'sms';
/** The limit, summed over the association's features, of text messages per calendar month. */
export const SMS_PER_MONTH = 'smsPerMonth';

/** What an association may send by SMS: whether at all, and how many a month. */
export interface SmsAllowance {
  subscribed: boolean;
  perMonth: number;
}

/** The allowance its entitlements give: none without the SMS add-on, whatever a limit says. */
export function smsAllowance(entitlements: Pick<Entitlements, 'features' | 'limits'>): SmsAllowance {
  const subscribed = entitlements.features.includes(SMS_FEATURE);
  return { subscribed, perMonth: subscribed ? (entitlements.limits[SMS_PER_MONTH] ?? 0) : 0 };
}

/**
 * The calendar month an SMS sent at `at` counts against, as its first day (`YYYY-MM-01`) in the association's time
 * zone: a message at 00:30 on 1 March in Oslo counts against March, though it is still February in UTC.
 */
export function smsMonthOf(at: Date, timeZone: string): string {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const zoned = local.isValid ? local : DateTime.fromJSDate(at, { zone: 'Europe/Oslo' });
  return zoned.startOf('month').toISODate()!;
}
