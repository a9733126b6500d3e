import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import {
  arrangeInvoice,
  arrangeSubscription,
  eventsOf,
  openBillingTestBed,
  operatorViewer,
  rowCounts,
  subscriptionNow,
  type BillingTestBed,
} from '../billing.fixtures';
import { withdrawals } from '../tables';
import { BillingSweeps } from './sweeps.service';

let bed: BillingTestBed;

beforeAll(async () => {
  bed = await openBillingTestBed({ blockAfterDays: 14 });
});

afterAll(() => bed.close());

const sweepOn = async (date: string) => {
  bed.setToday(date);
  return bed.subgraph.sweeps.sweep();
};

const topicsOf = async (associationId: string) => (await eventsOf(bed, associationId)).map((event) => event.topic);

async function auditOf(associationId: string): Promise<{ action: string; before: { status: string } | null; after: { status: string } | null }[]> {
  const result = await bed.subgraph.db.tenant(associationId, (tx) => tx.execute(sql`select action, before, after from billing.audit_log order by at, id`));
  return (result as { rows: { action: string; before: { status: string } | null; after: { status: string } | null }[] }).rows;
}

describe('an unpaid invoice (injected clock)', () => {
  it('is due 14 days after issue, past due the day after, blocked after the configured days, and reopened at once when paid', async () => {
    const associationId = randomUUID();
    const sms = await arrangeSubscription(bed, associationId, { feature: 'sms', start: '2026-01-01' });
    const invoice = await arrangeInvoice(bed, sms);
    expect(invoice).toMatchObject({ issuedOn: '2026-01-01', dueOn: '2026-01-15', amountOre: 19_900, paidAt: null });

    await sweepOn('2026-01-15');
    expect((await subscriptionNow(bed, sms)).status).toBe('active');

    await sweepOn('2026-01-16');
    expect((await subscriptionNow(bed, sms)).status).toBe('past_due');
    const pastDue = (await eventsOf(bed, associationId)).filter((event) => event.topic === 'feature.past_due');
    expect(pastDue.map((event) => event.payload)).toEqual([
      { feature: 'sms', subscriptionId: sms.id, invoiceId: invoice.id, dueOn: '2026-01-15', blocksOn: '2026-01-30' },
    ]);

    await sweepOn('2026-01-29');
    expect((await subscriptionNow(bed, sms)).status).toBe('past_due');
    const beforeBlock = await rowCounts(bed, associationId);

    await sweepOn('2026-01-30');
    expect((await subscriptionNow(bed, sms)).status).toBe('blocked');
    expect(await rowCounts(bed, associationId)).toEqual(beforeBlock);

    bed.setToday('2026-01-31');
    const paid = await bed.subgraph.invoices.markPaid(operatorViewer(), { invoiceId: invoice.id, paidOn: '2026-01-31', note: 'KID 123' });
    expect(paid).toMatchObject({ paidOn: '2026-01-31', markedPaidNote: 'KID 123' });
    expect((await subscriptionNow(bed, sms)).status).toBe('active');
    expect(await rowCounts(bed, associationId)).toEqual(beforeBlock);

    expect(await topicsOf(associationId)).toEqual(['invoice.issued', 'feature.past_due', 'feature.blocked', 'invoice.paid', 'feature.enabled']);
    // Payment and reopening share one transaction, so one instant: compare as a set.
    const audit = (await auditOf(associationId)).map((entry) => [entry.action, entry.before?.status ?? null, entry.after?.status ?? null]);
    expect(audit.sort()).toEqual([
      ['invoice.paid', null, null],
      ['subscription.blocked', 'past_due', 'blocked'],
      ['subscription.past_due', 'active', 'past_due'],
      ['subscription.reopened', 'blocked', 'active'],
    ]);
  });

  it('lifts the block when the invoice that caused it is paid, past due while a later one is overdue; blocked while that one is blockable', async () => {
    const associationId = randomUUID();
    const sms = await arrangeSubscription(bed, associationId, { start: '2026-01-01' });
    const first = await arrangeInvoice(bed, sms);
    await sweepOn('2026-01-30');
    expect((await subscriptionNow(bed, sms)).status).toBe('blocked');
    await sweepOn('2026-02-01');
    const second = (await eventsOf(bed, associationId)).filter((event) => event.topic === 'invoice.issued')[1]!.payload;
    expect(second).toMatchObject({ periodStart: '2026-02-01', dueOn: '2026-02-15' });

    // The renewal is five days overdue, ten short of blocking: the add-on works again, past due, as the rules say.
    bed.setToday('2026-02-20');
    await bed.subgraph.invoices.markPaid(operatorViewer(), { invoiceId: first.id, paidOn: '2026-02-20' });
    expect((await subscriptionNow(bed, sms)).status).toBe('past_due');
    expect((await bed.subgraph.entitlements.of(associationId)).features).toContain('sms');
    expect((await eventsOf(bed, associationId)).at(-1)).toEqual({
      topic: 'feature.past_due',
      payload: { feature: 'sms', subscriptionId: sms.id, invoiceId: second.invoiceId, dueOn: '2026-02-15', blocksOn: '2026-03-02' },
    });
    await sweepOn('2026-03-02');
    expect((await subscriptionNow(bed, sms)).status).toBe('blocked');
    await bed.subgraph.invoices.markPaid(operatorViewer(), { invoiceId: second.invoiceId as string, paidOn: '2026-03-02' });
    expect((await subscriptionNow(bed, sms)).status).toBe('active');
  });

  it('stays blocked when paid while another of its invoices is overdue long enough to block it', async () => {
    const associationId = randomUUID();
    const sms = await arrangeSubscription(bed, associationId, { start: '2026-01-01' });
    const first = await arrangeInvoice(bed, sms);
    await sweepOn('2026-01-30');
    await sweepOn('2026-02-01');
    const second = (await eventsOf(bed, associationId)).filter((event) => event.topic === 'invoice.issued')[1]!.payload;
    bed.setToday('2026-03-03');
    await bed.subgraph.invoices.markPaid(operatorViewer(), { invoiceId: first.id, paidOn: '2026-03-03' });
    expect((await subscriptionNow(bed, sms)).status).toBe('blocked');
    await bed.subgraph.invoices.markPaid(operatorViewer(), { invoiceId: second.invoiceId as string, paidOn: '2026-03-03' });
    expect((await subscriptionNow(bed, sms)).status).toBe('active');
  });

  it('refuses a second payment, a payment date before the invoice or in the future, and anyone but an operator', async () => {
    const associationId = randomUUID();
    const sms = await arrangeSubscription(bed, associationId, { start: '2026-01-01' });
    const invoice = await arrangeInvoice(bed, sms);
    bed.setToday('2026-01-10');
    const pay = (paidOn: string) => bed.subgraph.invoices.markPaid(operatorViewer(), { invoiceId: invoice.id, paidOn });

    await expect(pay('2025-12-31')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'paidOn' } });
    await expect(pay('2026-01-11')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'paidOn' } });
    const board = { ...operatorViewer(), platformAdmin: false, associationId, memberId: randomUUID(), role: 'board' as const };
    await expect(bed.subgraph.invoices.markPaid(board, { invoiceId: invoice.id, paidOn: '2026-01-10' })).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    await expect(bed.subgraph.invoices.markPaid(operatorViewer(), { invoiceId: randomUUID(), paidOn: '2026-01-10' })).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
    await pay('2026-01-10');
    await expect(pay('2026-01-10')).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect((await topicsOf(associationId)).filter((topic) => topic === 'invoice.paid')).toHaveLength(1);
  });
});

describe('two sweeps at once', () => {
  it('make each transition once, with one event', async () => {
    const associationId = randomUUID();
    const subscriptions = await Promise.all(Array.from({ length: 5 }, () => arrangeSubscription(bed, randomUUID(), { start: '2026-01-01' })));
    const racing = await arrangeSubscription(bed, associationId, { start: '2026-01-01' });
    for (const subscription of [...subscriptions, racing]) await arrangeInvoice(bed, subscription);
    bed.setToday('2026-01-16');
    const other = new BillingSweeps(bed.subgraph.sweepsRepository, bed.store, { blockAfterDays: 14, now: () => new Date('2026-01-16T11:00:00Z') });

    const [a, b] = await Promise.all([bed.subgraph.sweeps.sweep(), other.sweep()]);

    expect(a.pastDue + b.pastDue).toBeGreaterThanOrEqual(6);
    expect((await topicsOf(associationId)).filter((topic) => topic === 'feature.past_due')).toHaveLength(1);
    expect((await auditOf(associationId)).filter((entry) => entry.action === 'subscription.past_due')).toHaveLength(1);
  });

  it('renew a period once, with one invoice', async () => {
    const associationId = randomUUID();
    const sms = await arrangeSubscription(bed, associationId, { start: '2026-03-01' });
    await arrangeInvoice(bed, sms);
    const clock = () => new Date('2026-04-01T11:00:00Z');
    const one = new BillingSweeps(bed.subgraph.sweepsRepository, bed.store, { blockAfterDays: 14, now: clock });
    const two = new BillingSweeps(bed.subgraph.sweepsRepository, bed.store, { blockAfterDays: 14, now: clock });

    await Promise.all([one.sweep(), two.sweep()]);

    expect((await topicsOf(associationId)).filter((topic) => topic === 'invoice.issued')).toHaveLength(2);
    expect(await subscriptionNow(bed, sms)).toMatchObject({ periodStart: '2026-04-01', periodEnd: '2026-05-01' });
  });
});

describe('period and trial ends', () => {
  it('renews at the period end for the price recorded when subscribing, and announces the invoice', async () => {
    const associationId = randomUUID();
    const sms = await arrangeSubscription(bed, associationId, { start: '2026-01-31', priceOre: 15_000 });
    await arrangeInvoice(bed, sms);
    await sweepOn('2026-02-27');
    expect((await subscriptionNow(bed, sms)).periodEnd).toBe('2026-02-28');

    await sweepOn('2026-02-28');
    expect(await subscriptionNow(bed, sms)).toMatchObject({ periodStart: '2026-02-28', periodEnd: '2026-03-31' });
    const issued = (await eventsOf(bed, associationId)).filter((event) => event.topic === 'invoice.issued').map((event) => event.payload);
    expect(issued[1]).toMatchObject({ amountOre: 15_000, issuedOn: '2026-02-28', dueOn: '2026-03-14', periodStart: '2026-02-28', periodEnd: '2026-03-31' });
  });

  it('ends a cancelled subscription at its period end, without a new invoice', async () => {
    const associationId = randomUUID();
    const sms = await arrangeSubscription(bed, associationId, { start: '2026-01-01', autoRenew: false });
    await sweepOn('2026-02-01');
    expect(await subscriptionNow(bed, sms)).toMatchObject({ status: 'cancelled', endReason: 'cancelled' });
    const events = await eventsOf(bed, associationId);
    expect(events).toEqual([{ topic: 'feature.disabled', payload: { feature: 'sms', subscriptionId: sms.id, reason: 'cancelled' } }]);
  });

  it('starts the first paid period with an invoice when a trial ends, or ends a trial cancelled during it', async () => {
    const associationId = randomUUID();
    const kept = await arrangeSubscription(bed, associationId, { feature: 'sms', status: 'trial', trialEndsOn: '2026-02-01' });
    const dropped = await arrangeSubscription(bed, associationId, { feature: 'extraStorage', status: 'trial', trialEndsOn: '2026-02-01', autoRenew: false });
    await sweepOn('2026-01-31');
    expect((await subscriptionNow(bed, kept)).status).toBe('trial');

    await sweepOn('2026-02-01');
    expect(await subscriptionNow(bed, kept)).toMatchObject({ status: 'active', periodStart: '2026-02-01', periodEnd: '2026-03-01' });
    expect(await subscriptionNow(bed, dropped)).toMatchObject({ status: 'cancelled', endReason: 'trial_ended' });
    expect(await topicsOf(associationId)).toEqual(expect.arrayContaining(['invoice.issued', 'feature.disabled']));
  });

  it('ends every subscription of a withdrawn add-on on the withdrawal end date, and completes the withdrawal', async () => {
    const associationId = randomUUID();
    const center = await arrangeSubscription(bed, associationId, { feature: 'operationsCenter', start: '2026-06-01' });
    await bed.subgraph.db.system((tx) =>
      tx.insert(withdrawals).values({ id: randomUUID(), feature: 'operationsCenter', endsOn: '2026-06-20', announcedBy: randomUUID() }),
    );
    await sweepOn('2026-06-19');
    expect((await subscriptionNow(bed, center)).status).toBe('active');

    await sweepOn('2026-06-20');
    expect(await subscriptionNow(bed, center)).toMatchObject({ status: 'cancelled', endReason: 'withdrawn' });
    const [withdrawal] = await bed.subgraph.db.system((tx) => tx.select().from(withdrawals));
    expect(withdrawal!.completedAt).not.toBeNull();
  });
});
