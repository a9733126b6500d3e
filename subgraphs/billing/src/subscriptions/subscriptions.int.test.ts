import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { associationProfile } from '../associations/association-profiles.fixtures';
import { eventsOf, openBillingTestBed, operatorViewer, rowCounts, viewerIn, type BillingTestBed } from '../billing.fixtures';
import { CatalogueRepository } from '../catalogue/catalogue.repository';
import { SubscriptionsService } from './subscriptions.service';

/** The first GraphQL error code a promise rejects with. */
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'OK',
    (error: { message: string; extensions?: { code?: string } }) => error.extensions?.code ?? error.message,
  );

describe('billing subscriptions', () => {
  let bed: BillingTestBed;
  const A = randomUUID();
  const B = randomUUID();
  const boardA = viewerIn(A, 'board');
  const boardB = viewerIn(B, 'board');
  const operator = operatorViewer();

  beforeAll(async () => {
    bed = await openBillingTestBed();
    bed.profiles.set(associationProfile(A));
    bed.profiles.set(associationProfile(B, { name: 'Fjordly sameie', orgNumber: '920000010' }));
    bed.setToday('2026-01-31');
  }, 120_000);
  afterAll(() => bed?.close());

  const audit = (associationId: string) =>
    bed.subgraph.db
      .tenant(associationId, (tx) => tx.execute(sql`select action, actor, before, after from billing.audit_log order by at, action`))
      .then(
        (result) =>
          (result as { rows: { action: string; actor: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[] }).rows,
      );

  it('starts a paid period when the board subscribes: invoice, event, audit row and entitlements in one go', async () => {
    const { subscription } = await bed.subgraph.subscriptions.subscribeToFeature(boardA, { associationId: A, feature: 'sms' });
    expect(subscription).toMatchObject({
      status: 'active',
      periodStart: '2026-01-31',
      periodEnd: '2026-02-28',
      priceOre: 19_900,
      autoRenew: true,
      paymentTermDays: 14,
    });
    expect(await rowCounts(bed, A)).toEqual({ subscriptions: 1, invoices: 1 });
    expect((await eventsOf(bed, A)).map((event) => event.topic)).toEqual(['feature.enabled', 'invoice.issued']);
    expect(await audit(A)).toEqual([
      expect.objectContaining({
        action: 'subscription.started',
        actor: 'board',
        before: null,
        after: expect.objectContaining({ status: 'active', feature: 'sms' }),
      }),
    ]);
    expect(await bed.subgraph.entitlements.of(A)).toEqual({
      associationId: A,
      features: ['base', 'sms'],
      limits: { storageBytes: 5 * 1024 ** 3, smsPerMonth: 500 },
    });
  });

  it('keeps a board of another association out of this one', async () => {
    expect(await codeOf(bed.subgraph.subscriptions.subscribeToFeature(boardB, { associationId: A, feature: 'extraStorage' }))).toBe('FORBIDDEN');
    expect(await codeOf(bed.subgraph.subscriptions.cancelSubscription(boardB, { associationId: A, feature: 'sms' }))).toBe('FORBIDDEN');
    expect(await codeOf(bed.subgraph.subscriptions.list(boardB, A))).toBe('FORBIDDEN');
    expect(await codeOf(bed.subgraph.subscriptions.list(viewerIn(A, 'resident'), A))).toBe('FORBIDDEN');
    expect(await rowCounts(bed, A)).toEqual({ subscriptions: 1, invoices: 1 });
    expect(await bed.subgraph.subscriptionsRepository.list(B)).toEqual([]);
  });

  it('refuses a second open subscription of the same add-on', async () => {
    expect(await codeOf(bed.subgraph.subscriptions.enableFeature(operator, { associationId: A, feature: 'sms' }))).toBe('CONFLICT');
  });

  it('lets only one of two simultaneous subscriptions through', async () => {
    const outcomes = await Promise.all(
      [1, 2].map(() => codeOf(bed.subgraph.subscriptions.subscribeToFeature(boardB, { associationId: B, feature: 'extraStorage' }))),
    );
    expect(outcomes.sort()).toEqual(['CONFLICT', 'OK']);
    expect(await rowCounts(bed, B)).toEqual({ subscriptions: 1, invoices: 1 });
  });

  it('writes nothing when the first invoice fails', async () => {
    const { db } = bed.subgraph;
    const failing = new SubscriptionsService(
      bed.subgraph.subscriptionsRepository,
      new CatalogueRepository(db),
      bed.profiles,
      bed.store,
      () => {
        throw new Error('invoice refused');
      },
      // The bed's day, not the wall clock's (by which the association's first invoice would long be overdue).
      () => new Date('2026-01-31T11:00:00Z'),
    );
    const before = { counts: await rowCounts(bed, A), events: (await eventsOf(bed, A)).length, audit: (await audit(A)).length };
    await expect(failing.subscribeToFeature(boardA, { associationId: A, feature: 'operationsCenter' })).rejects.toThrow('invoice refused');
    expect({ counts: await rowCounts(bed, A), events: (await eventsOf(bed, A)).length, audit: (await audit(A)).length }).toEqual(before);
  });

  it('names the missing legal details, and refuses blocked and unknown associations', async () => {
    const C = randomUUID();
    bed.profiles.set(associationProfile(C, { orgNumber: null, postalAddress: null, legalDetailsComplete: false }));
    await expect(bed.subgraph.subscriptions.enableFeature(operator, { associationId: C, feature: 'sms' })).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', missing: ['orgNumber', 'postalAddress'] },
    });
    const D = randomUUID();
    bed.profiles.set(associationProfile(D, { status: 'blocked' }));
    expect(await codeOf(bed.subgraph.subscriptions.enableFeature(operator, { associationId: D, feature: 'sms' }))).toBe('CONFLICT');
    expect(await codeOf(bed.subgraph.subscriptions.enableFeature(operator, { associationId: randomUUID(), feature: 'sms' }))).toBe('NOT_FOUND');
    expect(await codeOf(bed.subgraph.subscriptions.enableFeature(operator, { associationId: A, feature: 'base' }))).toBe('BAD_USER_INPUT');
    expect(await rowCounts(bed, C)).toEqual({ subscriptions: 0, invoices: 0 });
  });

  it('cancels at the end of the paid period: it keeps working, and subscribing again resumes it', async () => {
    const { subscription } = await bed.subgraph.subscriptions.cancelSubscription(boardA, { associationId: A, feature: 'sms' });
    expect(subscription).toMatchObject({ status: 'active', autoRenew: false, periodEnd: '2026-02-28' });
    expect((await bed.subgraph.entitlements.of(A)).features).toContain('sms');
    expect((await audit(A)).find((entry) => entry.action === 'subscription.cancelled')).toMatchObject({
      before: expect.objectContaining({ autoRenew: true }),
      after: expect.objectContaining({ autoRenew: false }),
    });
    expect(await codeOf(bed.subgraph.subscriptions.cancelSubscription(boardA, { associationId: A, feature: 'sms' }))).toBe('CONFLICT');
    const resumed = await bed.subgraph.subscriptions.subscribeToFeature(boardA, { associationId: A, feature: 'sms' });
    expect(resumed.subscription).toMatchObject({ id: subscription.id, autoRenew: true, cancelledAt: null });
    expect(await rowCounts(bed, A)).toEqual({ subscriptions: 1, invoices: 1 });
  });

  it('ends an add-on at once when an operator disables it', async () => {
    const { subscription } = await bed.subgraph.subscriptions.disableFeature(operator, { associationId: A, feature: 'sms', reason: 'Avtalt per e-post' });
    expect(subscription).toMatchObject({ status: 'cancelled', endReason: 'ended_by_operator' });
    expect((await bed.subgraph.entitlements.of(A)).features).toEqual(['base']);
    expect((await eventsOf(bed, A)).at(-1)).toEqual({
      topic: 'feature.disabled',
      payload: { feature: 'sms', subscriptionId: subscription.id, reason: 'ended_by_operator' },
    });
    expect((await audit(A)).find((entry) => entry.action === 'subscription.ended')).toMatchObject({
      actor: 'operator',
      before: expect.objectContaining({ status: 'active' }),
      after: expect.objectContaining({ status: 'cancelled', reason: 'Avtalt per e-post' }),
    });
  });

  it('starts a trial without an invoice', async () => {
    const { subscription } = await bed.subgraph.subscriptions.enableFeature(operator, {
      associationId: A,
      feature: 'sms',
      trialEndsOn: '2026-03-01',
      paymentTermDays: 30,
    });
    expect(subscription).toMatchObject({ status: 'trial', trialEndsOn: '2026-03-01', periodStart: null, paymentTermDays: 30 });
    expect(await rowCounts(bed, A)).toEqual({ subscriptions: 2, invoices: 1 });
    expect(await codeOf(bed.subgraph.subscriptions.enableFeature(operator, { associationId: B, feature: 'sms', trialEndsOn: '2026-01-31' }))).toBe(
      'BAD_USER_INPUT',
    );
  });
});

describe('withdrawing an add-on', () => {
  let bed: BillingTestBed;
  const [A, B, C] = [randomUUID(), randomUUID(), randomUUID()];
  const operator = operatorViewer();

  beforeAll(async () => {
    bed = await openBillingTestBed();
    for (const id of [A, B, C]) bed.profiles.set(associationProfile(id));
    bed.setToday('2026-01-15');
    await bed.subgraph.subscriptions.enableFeature(operator, { associationId: A, feature: 'operationsCenter' });
    await bed.subgraph.subscriptions.enableFeature(operator, { associationId: B, feature: 'operationsCenter', trialEndsOn: '2026-02-01' });
    await bed.subgraph.subscriptions.enableFeature(operator, { associationId: C, feature: 'operationsCenter' });
    await bed.subgraph.subscriptions.disableFeature(operator, { associationId: C, feature: 'operationsCenter', reason: 'ended' });
  }, 120_000);
  afterAll(() => bed?.close());

  const announcements = async (associationId: string) => (await eventsOf(bed, associationId)).filter((event) => event.topic === 'feature.withdrawal_announced');

  it('refuses an end less than three calendar months ahead, naming the earliest day', async () => {
    await expect(bed.subgraph.withdrawals.announce(operator, { feature: 'operationsCenter', endsOn: '2026-04-14' })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'endsOn', earliest: '2026-04-15' },
    });
    expect(await announcements(A)).toEqual([]);
  });

  it('tells each association with an open subscription exactly once, and takes no new subscriptions', async () => {
    const withdrawal = await bed.subgraph.withdrawals.announce(operator, { feature: 'operationsCenter', endsOn: '2026-04-15' });
    expect(withdrawal.notifiedAssociations).toBe(2);
    for (const id of [A, B]) {
      expect(await announcements(id)).toEqual([
        {
          topic: 'feature.withdrawal_announced',
          payload: expect.objectContaining({ feature: 'operationsCenter', withdrawalId: withdrawal.id, endsOn: '2026-04-15' }),
        },
      ]);
    }
    expect(await announcements(C)).toEqual([]);
    expect(await codeOf(bed.subgraph.withdrawals.announce(operator, { feature: 'operationsCenter', endsOn: '2026-06-01' }))).toBe('CONFLICT');
    expect(await codeOf(bed.subgraph.subscriptions.enableFeature(operator, { associationId: C, feature: 'operationsCenter' }))).toBe('CONFLICT');
    expect(await codeOf(bed.subgraph.withdrawals.announce(viewerIn(A, 'board'), { feature: 'sms', endsOn: '2026-06-01' }))).toBe('FORBIDDEN');
  });
});
