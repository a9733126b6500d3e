import { blocksOn, dueOn, isBlockable, isPastDue, periodStarting, priceForDays, type Period } from '../invoices/invoices.rules';
import type { EndReason, subscriptions, SubscriptionStatus } from '../tables';

/**
 * What happens to a subscription when time passes, one pure function per rule, as the terms of service say (§2.1):
 * subscriptions renew by themselves until cancelled, a cancellation takes effect when the paid period ends (no
 * refunds), an unpaid invoice makes the add-on past due and then blocked, and a withdrawn add-on stops on the day
 * its withdrawal ends. Each answers null when nothing is due `today` (a local date in the association's zone), so
 * a sweep may run as often as it likes.
 */

/**
 * What the rules read of a subscription (dates local 'YYYY-MM-DD', ends exclusive: `trialEndsOn` is the first paid
 * day), with `anchorOn`, its first paid period's start, from which later periods are counted so month ends do not
 * drift. `priceOre` is the price recorded when subscribing; `autoRenew` is false once the association cancelled.
 */
export type SubscriptionTerms = Pick<
  typeof subscriptions.$inferSelect,
  'status' | 'trialEndsOn' | 'periodStart' | 'periodEnd' | 'period' | 'priceOre' | 'autoRenew' | 'paymentTermDays'
> & { anchorOn: string | null };

/** A new paid period and the invoice for it, issued today. */
export interface NewPeriod {
  kind: 'renew';
  period: Period;
  amountOre: number;
  issuedOn: string;
  dueOn: string;
}

export interface Ending {
  kind: 'end';
  reason: Exclude<EndReason, 'ended_by_operator'>;
}

/** The subscription statuses in which an add-on is billed by period (a trial is not yet; cancelled is over). */
const BILLED: readonly SubscriptionStatus[] = ['active', 'past_due', 'blocked'];

/**
 * A period starting on `start`, ending early (and priced for the days it runs) when the add-on is withdrawn before
 * it would end. Null when the withdrawal ends it on or before `start`: there is nothing left to bill.
 */
function periodFrom(terms: SubscriptionTerms, start: string, today: string, withdrawalEndsOn: string | null): NewPeriod | null {
  if (withdrawalEndsOn !== null && withdrawalEndsOn <= start) return null;
  const full = periodStarting(start, terms.period, terms.anchorOn ?? start);
  const cut = withdrawalEndsOn !== null && withdrawalEndsOn < full.end;
  const period = cut ? { start, end: withdrawalEndsOn } : full;
  const amountOre = cut ? priceForDays(terms.priceOre, full, withdrawalEndsOn) : terms.priceOre;
  // An invoice is issued when the sweep finds the period begun: late sweeps give the full payment term from then.
  return { kind: 'renew', period, amountOre, issuedOn: today, dueOn: dueOn(today, terms.paymentTermDays) };
}

/**
 * At the trial's end the first paid period starts with its invoice, unless the association cancelled during the
 * trial (or the add-on is withdrawn by then): then the add-on stops.
 */
export function atTrialEnd(terms: SubscriptionTerms, today: string, withdrawalEndsOn: string | null = null): NewPeriod | Ending | null {
  if (terms.status !== 'trial' || terms.trialEndsOn === null || today < terms.trialEndsOn) return null;
  if (!terms.autoRenew) return { kind: 'end', reason: 'trial_ended' };
  return periodFrom({ ...terms, anchorOn: terms.trialEndsOn }, terms.trialEndsOn, today, withdrawalEndsOn) ?? { kind: 'end', reason: 'withdrawn' };
}

/**
 * At a paid period's end a cancelled subscription ends (the period was paid for; nothing is refunded), and any
 * other renews for one more period at the price recorded when subscribing — past due and blocked ones too, since a
 * subscription runs until it is cancelled and paying the old invoice must find it still there.
 */
export function atPeriodEnd(terms: SubscriptionTerms, today: string, withdrawalEndsOn: string | null = null): NewPeriod | Ending | null {
  if (!BILLED.includes(terms.status) || terms.periodEnd === null || today < terms.periodEnd) return null;
  if (!terms.autoRenew) return { kind: 'end', reason: 'cancelled' };
  return periodFrom(terms, terms.periodEnd, today, withdrawalEndsOn) ?? { kind: 'end', reason: 'withdrawn' };
}

/** A withdrawn add-on stops for everyone on its withdrawal's end date, whatever its status. */
export function atWithdrawalEnd(terms: Pick<SubscriptionTerms, 'status'>, today: string, withdrawalEndsOn: string): Ending | null {
  if (terms.status === 'cancelled' || today < withdrawalEndsOn) return null;
  return { kind: 'end', reason: 'withdrawn' };
}

export interface UnpaidInvoice {
  dueOn: string;
  paidAt: Date | null;
}

/** An active add-on whose invoice is unpaid after its due date becomes past due; it keeps working until `blocksOn`. */
export function becomesPastDue(status: SubscriptionStatus, invoice: UnpaidInvoice, today: string, blockAfterDays: number): { blocksOn: string } | null {
  if (status !== 'active' || !isPastDue(invoice, today)) return null;
  return { blocksOn: blocksOn(invoice.dueOn, blockAfterDays) };
}

/** A past-due add-on is blocked once its invoice has been past due for the configured number of days. */
export function becomesBlocked(status: SubscriptionStatus, invoice: UnpaidInvoice, today: string, blockAfterDays: number): boolean {
  return status === 'past_due' && isBlockable(invoice, today, blockAfterDays);
}

/**
 * What paying an invoice makes of a past-due or blocked add-on, given its other unpaid invoices: it stays as it is
 * while another of them is overdue long enough to block it (null); a blocked one whose other overdue invoices are
 * not yet that late reopens as past due, working until they are; with nothing else overdue it is active again. A
 * block is the answer to one invoice left unpaid too long, so paying that one lifts it at once.
 */
export function statusWhenPaid(
  status: SubscriptionStatus,
  otherUnpaid: readonly UnpaidInvoice[],
  today: string,
  blockAfterDays: number,
): 'active' | 'past_due' | null {
  if (status !== 'past_due' && status !== 'blocked') return null;
  if (otherUnpaid.some((invoice) => isBlockable(invoice, today, blockAfterDays))) return null;
  if (otherUnpaid.some((invoice) => isPastDue(invoice, today))) return status === 'blocked' ? 'past_due' : null;
  return 'active';
}
