import { asc } from 'drizzle-orm';
import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { features, withdrawals } from '../tables';

export type FeatureRow = typeof features.$inferSelect;

/** The catalogue: platform-wide and read-only (only migrations change it), readable in any scope. */
export class CatalogueRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** Every feature, the base plan first. */
  listFeatures(): Promise<FeatureRow[]> {
    return this.db.system((tx) => listFeaturesIn(tx));
  }

  /** Every announced withdrawal's end (the first day without the feature), by feature. */
  async withdrawalEnds(): Promise<Map<string, string>> {
    const rows = await this.db.system((tx) => tx.select({ feature: withdrawals.feature, endsOn: withdrawals.endsOn }).from(withdrawals));
    return new Map(rows.map((row) => [row.feature, row.endsOn]));
  }
}

/** The catalogue read inside a transaction that is already open (a tenant's, when a subscription changes). */
export function listFeaturesIn(tx: Tx): Promise<FeatureRow[]> {
  return tx.select().from(features).orderBy(asc(features.position));
}
