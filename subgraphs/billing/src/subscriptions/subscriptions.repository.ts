import { and, asc, desc, eq, ne, sql } from 'drizzle-orm';
import { refusedAs, type NewEvent, type SubgraphDatabase, type Tx } from '@tunet/kit';
import { listFeaturesIn, type FeatureRow } from '../catalogue/catalogue.repository';
import { subscriptions, withdrawals } from '../tables';

export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type NewSubscription = typeof subscriptions.$inferInsert;
export type SubscriptionChange = Partial<Pick<SubscriptionRow, 'status' | 'autoRenew' | 'cancelledAt' | 'cancelledBy' | 'endedAt' | 'endReason'>>;

/** Constraint names as the rules they keep (refusedAs). */
export const SUBSCRIPTION_RULES = { subscriptions_one_open: 'already-open' } as const;

/**
 * The only SQL on subscriptions. A change runs in one tenant transaction (`inTenant`) whose steps are the functions
 * below, so the subscription, its audit row, its event and its first invoice commit together or not at all.
 */
export class SubscriptionsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  inTenant<T>(associationId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.tenant(associationId, work);
  }

  /** Records an event in the change's transaction; the relay publishes it after the commit. */
  async outbox(tx: Tx, event: NewEvent): Promise<void> {
    await this.db.outbox.add(tx, event);
  }

  /** The association's subscriptions, open ones first (catalogue order), then ended ones newest first. */
  list(associationId: string): Promise<SubscriptionRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(subscriptions)
        .where(eq(subscriptions.associationId, associationId))
        .orderBy(sql`${subscriptions.status} = 'cancelled'`, desc(subscriptions.endedAt), asc(subscriptions.feature)),
    );
  }

  /** Open subscriptions and the catalogue, read together: what the association's entitlements are computed from. */
  entitlementFacts(associationId: string): Promise<{ open: SubscriptionRow[]; catalogue: FeatureRow[] }> {
    return this.db.tenant(associationId, async (tx) => ({ open: await openSubscriptions(tx, associationId), catalogue: await listFeaturesIn(tx) }));
  }
}

export function openSubscriptions(tx: Tx, associationId: string): Promise<SubscriptionRow[]> {
  return tx
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.associationId, associationId), ne(subscriptions.status, 'cancelled')));
}

/** The association's open subscriptions, locked until the transaction ends. */
export function openSubscriptionsForUpdate(tx: Tx, associationId: string): Promise<SubscriptionRow[]> {
  return tx
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.associationId, associationId), ne(subscriptions.status, 'cancelled')))
    .orderBy(asc(subscriptions.feature))
    .for('update');
}

/**
 * Serialises subscribing to a feature with announcing its withdrawal: subscriptions hold the feature's lock shared,
 * an announcement exclusively, so a withdrawal either sees a new subscription (and tells its board) or is seen by it.
 */
export async function lockFeature(tx: Tx, feature: string, mode: 'shared' | 'exclusive'): Promise<void> {
  const key = `billing.feature:${feature}`;
  await tx.execute(mode === 'shared' ? sql`select pg_advisory_xact_lock_shared(hashtext(${key}))` : sql`select pg_advisory_xact_lock(hashtext(${key}))`);
}

/** The association's open subscription of `feature`, locked until the transaction ends; null if none. */
export async function openSubscriptionForUpdate(tx: Tx, associationId: string, feature: string): Promise<SubscriptionRow | null> {
  const [row] = await tx
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.associationId, associationId), eq(subscriptions.feature, feature), ne(subscriptions.status, 'cancelled')))
    .for('update');
  return row ?? null;
}

/** The feature's catalogue row and its withdrawal's end, if one was announced. */
export async function featureForSubscribing(tx: Tx, feature: string): Promise<(FeatureRow & { withdrawnOn: string | null }) | null> {
  const row = (await listFeaturesIn(tx)).find((candidate) => candidate.key === feature);
  if (!row) return null;
  const [withdrawal] = await tx.select({ endsOn: withdrawals.endsOn }).from(withdrawals).where(eq(withdrawals.feature, feature));
  return { ...row, withdrawnOn: withdrawal?.endsOn ?? null };
}

/** Inserts a subscription; a second open one of the same feature is the rule `already-open`. */
export async function insertSubscription(tx: Tx, row: NewSubscription): Promise<SubscriptionRow> {
  const [inserted] = await refusedAs(SUBSCRIPTION_RULES, () => tx.insert(subscriptions).values(row).returning());
  return inserted!;
}

export async function updateSubscription(tx: Tx, associationId: string, id: string, change: SubscriptionChange): Promise<SubscriptionRow> {
  const [updated] = await tx
    .update(subscriptions)
    .set({ ...change, updatedAt: sql`now()` })
    .where(and(eq(subscriptions.associationId, associationId), eq(subscriptions.id, id)))
    .returning();
  return updated!;
}
