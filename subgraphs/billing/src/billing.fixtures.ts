import { randomUUID } from 'node:crypto';
import type { FastStore, Viewer } from '@tunet/kit';
import { openTestDatabase, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { sql } from 'drizzle-orm';
import { StaticAssociationProfiles } from './associations/association-profiles.fixtures';
import { issueInvoice, type InvoiceRow, type SubscriptionRow } from './invoices/invoices.repository';
import { dueOn, periodStarting } from './invoices/invoices.rules';
import { createBillingSubgraph, type BillingSubgraph } from './subgraph';
import { subscriptions } from './tables';

export { viewerIn } from '@tunet/kit/src/kit.fixtures';

export interface BillingTestBed {
  subgraph: BillingSubgraph;
  database: TestDatabase;
  store: FastStore;
  /** Members' registry as billing sees it: set the profiles a test needs. */
  profiles: StaticAssociationProfiles;
  /** Moves the clock of payments and sweeps: noon Oslo time on `date`. */
  setToday(date: string): void;
  close(): Promise<void>;
}

/** A migrated billing subgraph on a fresh test database, with a clock the test sets and a 14-day block. */
export async function openBillingTestBed(options: { blockAfterDays?: number; associationProfiles?: StaticAssociationProfiles } = {}): Promise<BillingTestBed> {
  const database = await openTestDatabase();
  const store: FastStore = { kind: 'memory', namespace: `billing-test-${randomUUID()}` };
  const profiles = options.associationProfiles ?? new StaticAssociationProfiles();
  let now = new Date('2026-01-01T11:00:00Z');
  const subgraph = await createBillingSubgraph({
    database: database.connection,
    store,
    blockAfterDays: options.blockAfterDays ?? 14,
    now: () => now,
    associationProfiles: profiles,
  });
  await subgraph.migrate();
  return {
    subgraph,
    database,
    store,
    profiles,
    setToday: (date) => void (now = new Date(`${date}T11:00:00Z`)),
    close: () => database.drop(),
  };
}

/** A platform operator's viewer, outside any association. */
export function operatorViewer(): Viewer {
  return { accountId: randomUUID(), associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };
}

export interface ArrangedSubscription {
  feature?: string;
  status?: SubscriptionRow['status'];
  start?: string;
  trialEndsOn?: string | null;
  autoRenew?: boolean;
  priceOre?: number;
}

/** A monthly subscription written as the subscribe flow leaves it (without its invoice; see `arrangeInvoice`). */
export async function arrangeSubscription(bed: BillingTestBed, associationId: string, options: ArrangedSubscription = {}): Promise<SubscriptionRow> {
  const status = options.status ?? 'active';
  const period = status === 'trial' ? null : periodStarting(options.start ?? '2026-01-01', 'month');
  const [row] = await bed.subgraph.db.tenant(associationId, (tx) =>
    tx
      .insert(subscriptions)
      .values({
        associationId,
        id: randomUUID(),
        feature: options.feature ?? 'sms',
        status,
        trialEndsOn: options.trialEndsOn ?? (status === 'trial' ? '2026-02-01' : null),
        periodStart: period?.start ?? null,
        periodEnd: period?.end ?? null,
        autoRenew: options.autoRenew ?? true,
        priceOre: options.priceOre ?? 19_900,
        period: 'month',
        createdBy: randomUUID(),
        endedAt: status === 'cancelled' ? new Date() : null,
      })
      .returning(),
  );
  return row!;
}

/** The invoice for the subscription's current period, issued on its first day (or on `issuedOn`). */
export function arrangeInvoice(bed: BillingTestBed, subscription: SubscriptionRow, issuedOn?: string): Promise<InvoiceRow> {
  const period = { start: subscription.periodStart!, end: subscription.periodEnd! };
  const issued = issuedOn ?? period.start;
  return bed.subgraph.db.tenant(subscription.associationId, (tx) =>
    issueInvoice(tx, bed.subgraph.db.outbox, {
      associationId: subscription.associationId,
      subscriptionId: subscription.id,
      feature: subscription.feature,
      period,
      amountOre: subscription.priceOre,
      issuedOn: issued,
      dueOn: dueOn(issued, subscription.paymentTermDays),
    }),
  );
}

export type OutboxEvent = { topic: string; payload: Record<string, unknown> };

/** The events billing wrote for the association, oldest first. */
export async function eventsOf(bed: BillingTestBed, associationId: string): Promise<OutboxEvent[]> {
  const result = await bed.subgraph.db.system((tx) =>
    tx.execute(sql`select topic, payload from billing.outbox where association_id = ${associationId}::uuid order by id`),
  );
  return (result as { rows: OutboxEvent[] }).rows;
}

/** The association's subscription as stored now. */
export async function subscriptionNow(bed: BillingTestBed, subscription: SubscriptionRow): Promise<SubscriptionRow> {
  const rows = await bed.subgraph.db.tenant(subscription.associationId, (tx) =>
    tx
      .select()
      .from(subscriptions)
      .where(sql`${subscriptions.id} = ${subscription.id}::uuid`),
  );
  return rows[0]!;
}

/** How many rows billing keeps for the association, table by table: nothing is ever deleted on a block. */
export async function rowCounts(bed: BillingTestBed, associationId: string): Promise<Record<string, number>> {
  const result = await bed.subgraph.db.tenant(associationId, (tx) =>
    tx.execute(sql`select
      (select count(*)::int from billing.subscriptions) as subscriptions,
      (select count(*)::int from billing.invoices) as invoices`),
  );
  return (result as { rows: Record<string, number>[] }).rows[0]!;
}
