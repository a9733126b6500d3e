import { createLogger, entitlementsSchema, postInternalRoute } from '@tunet/kit';

const logger = createLogger('operations-feature');

/** The add-on every operations field needs (billing's catalogue key; docs/decisions/0031, 0041). */
export const OPERATIONS_FEATURE = 'operationsCenter';

/**
 * Whether an association has the operations center now, for the jobs that run without a request (the overdue sweeps,
 * docs/decisions/0043 addendum "review fixes C"): a request carries the gateway's signed entitlements, a job asks
 * billing. Throws when billing cannot be asked; the sweeps then skip the association until the next run.
 */
export type OperationsFeatureCheck = (associationId: string) => Promise<boolean>;

/** Billing's internal route the gateway reads entitlements from (billing's ENTITLEMENTS_ROUTE). */
const ENTITLEMENTS_ROUTE = 'entitlements';
const CACHE_MS = 60_000;
const TIMEOUT_MS = 5_000;

/**
 * Asks billing's signed `entitlements` route, and keeps each association's answer for a minute (a sweep runs every
 * minute on every replica; a change reaches the sweeps within a minute). Failures are not kept.
 */
export function billingOperationsFeature(billingUrl: () => string, internalSecret: string, nowMs: () => number = Date.now): OperationsFeatureCheck {
  const cache = new Map<string, { on: boolean; until: number }>();
  return async (associationId) => {
    const kept = cache.get(associationId);
    if (kept && kept.until > nowMs()) return kept.on;
    const response = await postInternalRoute({
      graphqlUrl: billingUrl(),
      route: ENTITLEMENTS_ROUTE,
      internalSecret,
      payload: { associationId },
      timeoutMs: TIMEOUT_MS,
    });
    if (!response.ok) throw new Error(`the billing subgraph answered HTTP ${response.status}`);
    const entitlements = entitlementsSchema.parse(await response.json());
    if (entitlements.associationId !== associationId) throw new Error('billing answered entitlements of another association');
    const on = entitlements.features.includes(OPERATIONS_FEATURE);
    cache.set(associationId, { on, until: nowMs() + CACHE_MS });
    return on;
  };
}

/**
 * The associations among `associationIds` that have the operations center; one billing cannot answer for is left out
 * (nothing is sent without knowing), with a warning, so a wrong SUBGRAPH_BILLING_URL or an outage does not silence
 * every overdue notice unseen.
 */
export async function withOperationsFeature(associationIds: readonly string[], check: OperationsFeatureCheck): Promise<string[]> {
  const answers = await Promise.allSettled(associationIds.map((id) => check(id)));
  return associationIds.filter((associationId, i) => {
    const answer = answers[i]!;
    if (answer.status === 'rejected')
      logger.warn({ err: answer.reason, associationId }, 'billing could not say whether the association has the operations center; its overdue notices wait');
    return answer.status === 'fulfilled' && answer.value;
  });
}
