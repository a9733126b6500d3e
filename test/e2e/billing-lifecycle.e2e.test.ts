import { todayIn } from '@tunet/kit';
import { BillingSweeps } from '@tunet/billing/src/sweeps/sweeps.service';
import { DEMO, DEMO_OPERATOR_EMAIL } from '@tunet/members';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { codes, openE2E, type E2E } from './e2e.fixtures';

/**
 * An add-on's life when its invoice is not paid, through the gateway: Solbakken's SMS add-on is invoiced, goes past
 * due the day after the due date and keeps working, is blocked after the configured days (its paid field then
 * fails with FEATURE_NOT_SUBSCRIBED), and works again the moment an operator records the payment — with every row
 * of billing and of the gated SMS data as it was. The sweeps run on an injected clock; the gateway and billing's
 * payment run on the real one.
 */
describe('billing lifecycle', () => {
  let e2e: E2E;
  let operator: string;
  let board: string;
  const today = todayIn('Europe/Oslo');
  const day = (days: number) => DateTime.fromISO(today, { zone: 'Europe/Oslo' }).plus({ days, hours: 12 }).toJSDate();
  const sweepOn = (days: number) => new BillingSweeps(e2e.stack.billing.sweepsRepository, e2e.store, { blockAfterDays: 3, now: () => day(days) }).sweep();

  const SMS_USAGE = '{ smsUsage { month limit } }';
  const ENTITLED = 'query ($id: ID!) { association(id: $id) { entitlements { features } } }';
  const INVOICES = 'query ($id: ID!) { association(id: $id) { invoices(first: 5) { nodes { id feature { key } amountOre issuedOn dueOn overdue status } } } }';
  type Invoice = { id: string; feature: { key: string }; amountOre: number; issuedOn: string; dueOn: string; overdue: boolean; status: string };

  const smsEntitled = async () => {
    const result = await e2e.gql<{ association: { entitlements: { features: string[] } } }>(ENTITLED, { id: DEMO.solbakken }, board);
    return result.data!.association.entitlements.features.includes('sms');
  };
  const smsInvoices = async () => {
    const result = await e2e.gql<{ association: { invoices: { nodes: Invoice[] } } }>(INVOICES, { id: DEMO.solbakken }, board);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.association.invoices.nodes.filter((invoice) => invoice.feature.key === 'sms');
  };
  /**
   * The ids of what the association has stored, in billing and in the gated feature's subgraph (notifications and
   * their deliveries): the block and the payment must keep every one of them. Ids, not counts by creation time: a row's
   * `created_at` is its transaction's start, so an inbox item ingested while the snapshot is taken can commit later
   * with an earlier time (CI at a8e3ebc counted 10 notifications, then 12).
   */
  const storedRows = async () => {
    const ids = async (db: typeof e2e.stack.billing.db, table: string) => {
      const result = await db.system((tx) => tx.execute(sql`select id::text as id from ${sql.raw(table)} where association_id = ${DEMO.solbakken}::uuid`));
      return (result as { rows: { id: string }[] }).rows.map((row) => row.id);
    };
    return {
      subscriptions: await ids(e2e.stack.billing.db, 'billing.subscriptions'),
      invoices: await ids(e2e.stack.billing.db, 'billing.invoices'),
      notifications: await ids(e2e.stack.notifications.db, 'notifications.notifications'),
      deliveries: await ids(e2e.stack.notifications.db, 'notifications.deliveries'),
    };
  };

  beforeAll(async () => {
    e2e = await openE2E();
    operator = (await e2e.login(DEMO_OPERATOR_EMAIL)).accessToken;
    board = (await e2e.login('kari@solbakken.example')).accessToken;
    // The demo's SMS add-on is paid up: end it and start it again, so a fresh period is invoiced today.
    const restart = [
      [
        'mutation ($i: DisableFeatureInput!) { disableFeature(input: $i) { subscription { id } } }',
        { associationId: DEMO.solbakken, feature: 'sms', reason: 'e2e' },
      ],
      ['mutation ($i: EnableFeatureInput!) { enableFeature(input: $i) { subscription { id } } }', { associationId: DEMO.solbakken, feature: 'sms' }],
    ] as const;
    for (const [mutation, input] of restart) {
      const result = await e2e.gql(mutation, { i: input }, operator);
      if (result.errors) throw new Error(`setup: ${JSON.stringify(result.errors)}`);
    }
  });
  afterAll(() => e2e?.close());

  it('goes past due, is blocked, and works again at once when paid, with every row intact', async () => {
    const [invoice] = await smsInvoices();
    expect(invoice).toMatchObject({ amountOre: 19_900, issuedOn: today, dueOn: DateTime.fromISO(today).plus({ days: 14 }).toISODate(), status: 'UNPAID' });
    expect(codes(await e2e.gql(SMS_USAGE, {}, board))).not.toContain('FEATURE_NOT_SUBSCRIBED');

    await sweepOn(14);
    expect((await smsInvoices())[0]!.status).toBe('UNPAID');
    await sweepOn(15);
    // Past due: the board sees it overdue, and the add-on still works.
    expect(await e2e.stack.billing.subscriptionsRepository.list(DEMO.solbakken)).toEqual(
      expect.arrayContaining([expect.objectContaining({ feature: 'sms', status: 'past_due' })]),
    );
    expect(await smsEntitled()).toBe(true);
    expect(codes(await e2e.gql(SMS_USAGE, {}, board))).not.toContain('FEATURE_NOT_SUBSCRIBED');
    const beforeBlock = await storedRows();

    await sweepOn(18);
    expect(await smsEntitled()).toBe(false);
    const blocked = await e2e.gql(SMS_USAGE, {}, board);
    expect(blocked.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FEATURE_NOT_SUBSCRIBED', feature: 'sms' }) })]);

    const paid = await e2e.gql<{ markInvoicePaid: { invoice: { status: string; paidOn: string } } }>(
      'mutation ($i: MarkInvoicePaidInput!) { markInvoicePaid(input: $i) { invoice { status paidOn } } }',
      { i: { invoiceId: invoice!.id, paidOn: today, note: 'Bankgiro' } },
      operator,
    );
    expect(paid.data?.markInvoicePaid.invoice).toEqual({ status: 'PAID', paidOn: today });
    expect(await smsEntitled()).toBe(true);
    expect(codes(await e2e.gql(SMS_USAGE, {}, board))).not.toContain('FEATURE_NOT_SUBSCRIBED');
    const afterPayment = await storedRows();
    for (const table of Object.keys(beforeBlock) as (keyof typeof beforeBlock)[]) {
      expect({ table, missing: beforeBlock[table].filter((id) => !afterPayment[table].includes(id)) }).toEqual({ table, missing: [] });
    }
    expect(beforeBlock.notifications.length).toBeGreaterThan(0);
    expect(beforeBlock.invoices.length).toBeGreaterThan(0);

    const again = await e2e.gql(
      'mutation ($i: MarkInvoicePaidInput!) { markInvoicePaid(input: $i) { invoice { id } } }',
      { i: { invoiceId: invoice!.id, paidOn: today } },
      operator,
    );
    expect(codes(again)).toEqual(['CONFLICT']);
  });
});
