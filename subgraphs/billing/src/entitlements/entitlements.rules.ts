import { BASE_PLAN, type Entitlements } from '@tunet/kit';
import type { FeatureEntitlement, SubscriptionStatus } from '../tables';

/** The subscription states in which an add-on works: blocked and cancelled ones grant nothing (docs/decisions/0032). */
export const ENTITLED_STATUSES: readonly SubscriptionStatus[] = ['trial', 'active', 'past_due'];

export const isEntitled = (status: SubscriptionStatus) => ENTITLED_STATUSES.includes(status);

/**
 * What an association may use: the base plan always (whether or not the catalogue lists it), plus every add-on of an
 * entitled subscription, in catalogue order; limits are summed over those features, so the base plan's 5 GiB and an
 * extraStorage subscription's 100 GiB make 105 GiB. Subscriptions of features the catalogue no longer has grant nothing.
 */
export function entitlementsOf(
  associationId: string,
  subscriptions: readonly { feature: string; status: SubscriptionStatus }[],
  catalogue: readonly { key: string; kind: 'base' | 'add_on'; entitlements: FeatureEntitlement[] }[],
): Entitlements {
  const subscribed = new Set(subscriptions.filter((s) => isEntitled(s.status)).map((s) => s.feature));
  const entitled = catalogue.filter((feature) => feature.kind === 'base' || subscribed.has(feature.key));
  const features = [BASE_PLAN, ...entitled.map((feature) => feature.key).filter((key) => key !== BASE_PLAN)];
  const limits: Record<string, number> = {};
  for (const feature of entitled) {
    for (const grant of feature.entitlements) {
      if (grant.kind === 'limit') limits[grant.key] = (limits[grant.key] ?? 0) + grant.value;
    }
  }
  return { associationId, features, limits };
}
