import type { CatalogueRepository, FeatureRow } from './catalogue.repository';

export interface FeatureLoaders {
  /** A feature by key, from one read of the catalogue per request. */
  byKey(key: string): Promise<FeatureRow>;
  /** The day an announced withdrawal ends the feature, or null. */
  withdrawnOn(key: string): Promise<string | null>;
}

/** Per-request: the catalogue and the withdrawals are each read at most once, whatever the query selects. */
export function createFeatureLoaders(catalogue: CatalogueRepository): FeatureLoaders {
  let features: Promise<Map<string, FeatureRow>> | null = null;
  let withdrawals: Promise<Map<string, string>> | null = null;
  return {
    async byKey(key) {
      features ??= catalogue.listFeatures().then((rows) => new Map(rows.map((row) => [row.key, row])));
      const feature = (await features).get(key);
      // Subscriptions reference the catalogue by foreign key, so a missing row is a broken database, not bad input.
      if (!feature) throw new Error(`feature ${key} is not in the catalogue`);
      return feature;
    },
    async withdrawnOn(key) {
      withdrawals ??= catalogue.withdrawalEnds();
      return (await withdrawals).get(key) ?? null;
    },
  };
}
