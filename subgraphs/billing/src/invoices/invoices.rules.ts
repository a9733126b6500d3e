import { DateTime } from 'luxon';
import type { BillingPeriod } from '../tables';

/**
 * When an add-on's invoices fall due and what follows if they are not paid, as the terms of service say (§2.1):
 * payment within 14 days unless another term was agreed, and the provider may then block the add-on until it is
 * paid. Pure functions on local calendar dates ('YYYY-MM-DD' in the association's time zone); nothing here reads
 * the clock or the database — `today` is handed in.
 *
 * Every end is exclusive, the day something stops: a period's `end` is the next period's `start`.
 */

/** The default payment term of the terms of service, in days after the invoice is issued. */
export const DEFAULT_PAYMENT_TERM_DAYS = 14;

/** How many days an invoice may stay past due before its add-on is blocked, unless configured otherwise. */
export const DEFAULT_BLOCK_AFTER_DAYS = 14;

export const DEFAULT_TIME_ZONE = 'Europe/Oslo';

/** One billed period: `start` inclusive, `end` exclusive (the next period's start). */
export interface Period {
  start: string;
  end: string;
}

const day = (date: string) => DateTime.fromISO(date, { zone: 'utc' });
const iso = (date: DateTime) => date.toISODate() as string;

export function addDays(date: string, days: number): string {
  return iso(day(date).plus({ days }));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round(day(to).diff(day(from), 'days').days);
}

/**
 * The period starting on `start`, counted from `anchor` (the first period's start) so month ends do not drift:
 * from 31 January the periods are 31 Jan–28 Feb, 28 Feb–31 Mar, 31 Mar–30 Apr, not 28 Feb–28 Mar–28 Apr.
 */
export function periodStarting(start: string, period: BillingPeriod, anchor: string = start): Period {
  const from = day(anchor);
  const at = day(start);
  const steps = period === 'month' ? (at.year - from.year) * 12 + (at.month - from.month) : at.year - from.year;
  const end = period === 'month' ? from.plus({ months: steps + 1 }) : from.plus({ years: steps + 1 });
  return { start, end: iso(end) };
}

/** The last day an invoice may be paid on: the issue date plus the agreed term (14 days unless agreed otherwise). */
export function dueOn(issuedOn: string, paymentTermDays: number = DEFAULT_PAYMENT_TERM_DAYS): string {
  return addDays(issuedOn, paymentTermDays);
}

/** Unpaid invoices are past due from the day after their due date. */
export function isPastDue(invoice: { dueOn: string; paidAt: Date | null }, today: string): boolean {
  return invoice.paidAt === null && today > invoice.dueOn;
}

/**
 * The day an unpaid add-on is blocked: once it has been past due for `blockAfterDays` whole days. Past due from
 * the day after the due date, so with 14 days an invoice due on 15 January is past due from the 16th and blocks on
 * the 30th.
 */
export function blocksOn(dueDate: string, blockAfterDays: number = DEFAULT_BLOCK_AFTER_DAYS): string {
  return addDays(dueDate, blockAfterDays + 1);
}

/** The latest due date whose unpaid invoice blocks its add-on `today`: the inverse of `blocksOn`. */
export function lastBlockingDueOn(today: string, blockAfterDays: number = DEFAULT_BLOCK_AFTER_DAYS): string {
  return addDays(today, -(blockAfterDays + 1));
}

export function isBlockable(invoice: { dueOn: string; paidAt: Date | null }, today: string, blockAfterDays: number = DEFAULT_BLOCK_AFTER_DAYS): boolean {
  return invoice.paidAt === null && today >= blocksOn(invoice.dueOn, blockAfterDays);
}

/**
 * What one period costs when it is cut short (an add-on withdrawn mid-period): the price for the days it runs,
 * rounded to whole øre. A full period costs the full price.
 */
export function priceForDays(priceOre: number, period: Period, endsOn: string): number {
  const full = daysBetween(period.start, period.end);
  const used = Math.max(0, Math.min(full, daysBetween(period.start, endsOn)));
  return used === full ? priceOre : Math.round((priceOre * used) / full);
}

/**
 * The days an invoice can be set paid on: not before it was issued (a payment cannot precede the invoice) and not
 * after today (an operator records money received, not promised).
 */
export function paidOnRefusal(paidOn: string, issuedOn: string, today: string): string | null {
  if (paidOn < issuedOn) return `The payment date cannot be before the invoice was issued (${issuedOn}).`;
  if (paidOn > today) return 'The payment date cannot be in the future.';
  return null;
}

/** Reads BILLING_BLOCK_AFTER_DAYS: a whole number of days from 0 to 365, or the default when unset. */
export function blockAfterDaysFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_BLOCK_AFTER_DAYS;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 0 || days > 365) throw new Error(`BILLING_BLOCK_AFTER_DAYS must be a whole number of days from 0 to 365, not ${value}`);
  return days;
}
