import { z } from 'zod';
import { fail } from './errors';
import type { RequestContext } from './viewer';

/**
 * What an association may use right now: the features it subscribes to (the base plan's always, an add-on while
 * in trial, active or past due) and the numeric limits they add up to. Billing decides it; the gateway carries it
 * in the signed request context, and a subgraph checks it again where a gated field or a limit is used
 * (docs/decisions/0031).
 */
export const entitlementsSchema = z.object({
  associationId: z.string().uuid(),
  features: z.array(z.string().min(1).max(64)).max(100),
  /** Numeric entitlements by key (`smsPerMonth`, `storageBytes`), summed over the features that grant them. */
  limits: z.record(z.string().min(1).max(64), z.number().int().nonnegative()),
});
export type Entitlements = z.infer<typeof entitlementsSchema>;

/** The base plan's feature key: members, posts, reservations, notifications and privacy, always on. */
export const BASE_PLAN = 'base';

export function featureNotSubscribed(feature: string): Error {
  return fail('FEATURE_NOT_SUBSCRIBED', `This needs the ${feature} add-on, which the association does not subscribe to (or has not paid for).`, {
    feature,
  });
}

/** Whether the request's association may use `feature`: the entitlements the gateway signed must name it. */
export function hasFeature(context: Pick<RequestContext, 'entitlements'>, associationId: string, feature: string): boolean {
  const entitlements = context.entitlements;
  return entitlements?.associationId === associationId && entitlements.features.includes(feature);
}

/** Refuses with FEATURE_NOT_SUBSCRIBED unless the signed entitlements of `associationId` include `feature`. */
export function requireFeature(context: Pick<RequestContext, 'entitlements'>, associationId: string, feature: string): void {
  if (!hasFeature(context, associationId, feature)) throw featureNotSubscribed(feature);
}
