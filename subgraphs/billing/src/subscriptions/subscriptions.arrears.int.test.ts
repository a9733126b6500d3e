import { randomUUID } from 'node:crypto';
import { associationProfile } from '../associations/association-profiles.fixtures';
import { openBillingTestBed, operatorViewer, rowCounts, viewerIn, type BillingTestBed } from '../billing.fixtures';

/** A board in arrears: unpaid invoices past their due date keep it from subscribing again (review of issue 13). */
describe('subscribing with invoices past their due date', () => {
  let bed: BillingTestBed;

  beforeAll(async () => {
    bed = await openBillingTestBed({ blockAfterDays: 14 });
  }, 120_000);
  afterAll(() => bed?.close());

  const sweepOn = (date: string) => {
    bed.setToday(date);
    return bed.subgraph.sweeps.sweep();
  };
  const invoicesOf = async (associationId: string) => (await bed.subgraph.invoices.list(operatorViewer(), associationId, { first: 50 })).nodes;

  it('refuses a board that cancelled an unpaid add-on and subscribes again once it ended, until the invoice is paid', async () => {
    const A = randomUUID();
    bed.profiles.set(associationProfile(A));
    const board = viewerIn(A, 'board');
    bed.setToday('2026-01-01');
    await bed.subgraph.subscriptions.subscribeToFeature(board, { associationId: A, feature: 'sms' });
    await bed.subgraph.subscriptions.cancelSubscription(board, { associationId: A, feature: 'sms' });
    await sweepOn('2026-01-16');
    await sweepOn('2026-02-01');
    expect((await bed.subgraph.entitlements.of(A)).features).toEqual(['base']);

    const [unpaid] = await invoicesOf(A);
    const again = bed.subgraph.subscriptions.subscribeToFeature(board, { associationId: A, feature: 'sms' });
    await expect(again).rejects.toMatchObject({ extensions: { code: 'CONFLICT', overdueInvoices: [unpaid!.id] } });
    // Another add-on is no different: the association is in arrears.
    await expect(bed.subgraph.subscriptions.subscribeToFeature(board, { associationId: A, feature: 'extraStorage' })).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    expect(await rowCounts(bed, A)).toEqual({ subscriptions: 1, invoices: 1 });
    expect((await bed.subgraph.entitlements.of(A)).features).toEqual(['base']);

    await bed.subgraph.invoices.markPaid(operatorViewer(), { invoiceId: unpaid!.id, paidOn: '2026-02-01' });
    const { subscription } = await bed.subgraph.subscriptions.subscribeToFeature(board, { associationId: A, feature: 'sms' });
    expect(subscription.status).toBe('active');
  });

  it('refuses a board that cancelled a blocked add-on from getting it back by subscribing after its period', async () => {
    const A = randomUUID();
    bed.profiles.set(associationProfile(A));
    const board = viewerIn(A, 'board');
    bed.setToday('2026-03-01');
    await bed.subgraph.subscriptions.subscribeToFeature(board, { associationId: A, feature: 'sms' });
    await sweepOn('2026-03-16');
    await sweepOn('2026-03-30');
    expect((await bed.subgraph.entitlements.of(A)).features).toEqual(['base']);
    await bed.subgraph.subscriptions.cancelSubscription(board, { associationId: A, feature: 'sms' });
    await sweepOn('2026-04-01');
    await expect(bed.subgraph.subscriptions.subscribeToFeature(board, { associationId: A, feature: 'sms' })).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    expect((await bed.subgraph.entitlements.of(A)).features).toEqual(['base']);
  });

  it('still lets a board subscribe while an invoice is unpaid but not yet due, and lets an operator start one in arrears', async () => {
    const A = randomUUID();
    bed.profiles.set(associationProfile(A));
    const board = viewerIn(A, 'board');
    bed.setToday('2026-05-01');
    await bed.subgraph.subscriptions.subscribeToFeature(board, { associationId: A, feature: 'sms' });
    bed.setToday('2026-05-15');
    await expect(bed.subgraph.subscriptions.subscribeToFeature(board, { associationId: A, feature: 'extraStorage' })).resolves.toBeDefined();
    bed.setToday('2026-05-16');
    const { subscription } = await bed.subgraph.subscriptions.enableFeature(operatorViewer(), { associationId: A, feature: 'operationsCenter' });
    expect(subscription.status).toBe('active');
  });
});
