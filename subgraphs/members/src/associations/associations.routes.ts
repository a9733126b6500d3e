import { InternalRouteError, processRoute, type InternalRoute } from '@tunet/kit';
import { z } from 'zod';
import type { AssociationsService } from './associations.service';

/** Where billing reads an association's legal details (issue 13's contract). */
export const ASSOCIATION_PROFILE_ROUTE = 'associations/profile';
/** Where the privacy subgraph reads every association not terminated, to tell each of them (decision 0040). */
export const CURRENT_ASSOCIATIONS_ROUTE = 'associations/current';

// Strict, and with a key no other internal route takes: a body signed for one route means nothing to another.
const profileRequestSchema = z.strictObject({ associationId: z.guid() });
const currentRequestSchema = z.strictObject({ kind: z.literal('associations.current') });

/**
 * An association's registry data for other subgraphs: name, organisation number, postal address (null unless
 * complete), contact e-mail, zone, locale and status, and whether the legal details a paid add-on needs are all
 * there. 404 for an id that is no association. Read from the database on every call.
 */
export function associationsInternalRoutes(associations: AssociationsService): Record<string, InternalRoute> {
  return {
    [ASSOCIATION_PROFILE_ROUTE]: processRoute(profileRequestSchema, async ({ associationId }) => {
      const profile = await associations.profile(associationId);
      if (!profile) throw new InternalRouteError(404, 'No such association.');
      return profile;
    }),
    [CURRENT_ASSOCIATIONS_ROUTE]: processRoute(currentRequestSchema, async () => ({ associations: await associations.current() })),
  };
}
