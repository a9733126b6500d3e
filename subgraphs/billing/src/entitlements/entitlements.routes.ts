import { processRoute, type InternalRoute } from '@tunet/kit';
import { z } from 'zod';
import type { EntitlementsService } from './entitlements.service';

/** Where the gateway (and subgraphs) read an association's entitlements: `POST internal/entitlements {associationId}`. */
export const ENTITLEMENTS_ROUTE = 'entitlements';

// Strict, and with a key no other internal route takes: a body signed for one route means nothing to another.
const entitlementsRequest = z.strictObject({ associationId: z.guid() });

/**
 * Answers the kit's Entitlements shape. An id that is no association gets the base plan like any association without
 * add-ons: billing does not keep the registry, and the gateway asks only for associations it authenticated.
 */
export function entitlementsRoutes(entitlements: EntitlementsService): Record<string, InternalRoute> {
  return { [ENTITLEMENTS_ROUTE]: processRoute(entitlementsRequest, ({ associationId }) => entitlements.of(associationId)) };
}
