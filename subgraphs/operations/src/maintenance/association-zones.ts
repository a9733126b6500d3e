import { postInternalRoute, routeFailure } from '@tunet/kit';
import { z } from 'zod';
import type { TimeZoneOf } from './maintenance.service';

/** Members' signed route with an association's registry data (decision 0033); the plan reads only its time zone. */
const ASSOCIATION_PROFILE_ROUTE = 'associations/profile';
const profileSchema = z.object({ timeZone: z.string().min(1).max(64) });

/** Asks members for the association's zone on every call (a task copies it when made); null for no association. */
export function signedAssociationZones(membersGraphqlUrl: () => string, internalSecret: string): TimeZoneOf {
  return async (associationId) => {
    const response = await postInternalRoute({
      graphqlUrl: membersGraphqlUrl(),
      route: ASSOCIATION_PROFILE_ROUTE,
      internalSecret,
      payload: { associationId },
      timeoutMs: 10_000,
    });
    if (response.status === 404) return null;
    if (!response.ok) throw routeFailure(ASSOCIATION_PROFILE_ROUTE, response.status);
    return profileSchema.parse(await response.json()).timeZone;
  };
}
