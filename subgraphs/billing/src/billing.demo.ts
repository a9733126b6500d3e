import { randomUUID } from 'node:crypto';
import { todayIn } from '@tunet/kit';
import { DateTime } from 'luxon';
import { insertInvoice, type NewInvoice } from './invoices/invoices.repository';
import { addDays, DEFAULT_TIME_ZONE, dueOn, periodStarting, type Period } from './invoices/invoices.rules';
import type { BillingSubgraph } from './subgraph';
import { insertSubscription } from './subscriptions/subscriptions.repository';

/** Whose billing the demo shows: Solbakken's add-ons, set up by the demo operator (Fjordly keeps the base plan). */
export interface DemoBilling {
  solbakken: string;
  operator: string;
}

/**
 * Solbakken subscribes to the operations center and SMS, both active with every invoice paid, and to extra storage,
 * whose invoice fell due six days ago unpaid: the first sweep makes it past due (the board is told), and it is
 * blocked once BILLING_BLOCK_AFTER_DAYS have passed — start with BILLING_BLOCK_AFTER_DAYS=3 to see it blocked at
 * once, then mark the invoice paid (README). Dates count from today, so the demo looks the same whenever it loads.
 */
export async function loadDemoBilling(subgraph: BillingSubgraph, demo: DemoBilling): Promise<boolean> {
  if ((await subgraph.subscriptionsRepository.list(demo.solbakken)).length > 0) return false;
  const today = todayIn(DEFAULT_TIME_ZONE);
  const monthsAgo = (months: number, days: number) => DateTime.fromISO(today).minus({ months, days }).toISODate()!;
  await subscribe(subgraph, demo, 'operationsCenter', 49_900, monthsAgo(1, 5), 'paid');
  await subscribe(subgraph, demo, 'sms', 19_900, monthsAgo(1, 5), 'paid');
  await subscribe(subgraph, demo, 'extraStorage', 9_900, monthsAgo(0, 20), 'unpaid');
  return true;
}

/** An active monthly subscription from `start` to the period holding today, each period with its invoice. */
async function subscribe(subgraph: BillingSubgraph, demo: DemoBilling, feature: string, priceOre: number, start: string, last: 'paid' | 'unpaid') {
  const today = todayIn(DEFAULT_TIME_ZONE);
  const periods: Period[] = [periodStarting(start, 'month')];
  while (periods.at(-1)!.end <= today) periods.push(periodStarting(periods.at(-1)!.end, 'month', start));
  const current = periods.at(-1)!;
  await subgraph.db.tenant(demo.solbakken, async (tx) => {
    const subscription = await insertSubscription(tx, {
      associationId: demo.solbakken,
      id: randomUUID(),
      feature,
      status: 'active',
      periodStart: current.start,
      periodEnd: current.end,
      priceOre,
      period: 'month',
      createdBy: demo.operator,
    });
    for (const period of periods) {
      const invoice: NewInvoice = {
        associationId: demo.solbakken,
        subscriptionId: subscription.id,
        feature,
        period,
        amountOre: priceOre,
        issuedOn: period.start,
        dueOn: dueOn(period.start),
      };
      const paidOn = addDays(period.start, 3);
      const paid = period === current && last === 'unpaid' ? undefined : { paidOn, paidAt: new Date(`${paidOn}T10:00:00Z`), paidBy: demo.operator };
      await insertInvoice(tx, invoice, paid && paidOn <= today ? paid : undefined);
    }
  });
}
