import { forbidden, unauthenticated, type Entitlements, type Viewer } from '@tunet/kit';
import { canSeeEntitlements } from '../subscriptions/subscriptions.access';
import type { SubscriptionsRepository } from '../subscriptions/subscriptions.repository';
import { entitlementsOf } from './entitlements.rules';

/** What an association may use, from its open subscriptions and the catalogue, read fresh on every call. */
export class EntitlementsService {
  constructor(private readonly subscriptions: SubscriptionsRepository) {}

  /** For the gateway (over the internal route) and for subgraphs' checks. */
  async of(associationId: string): Promise<Entitlements> {
    const { open, catalogue } = await this.subscriptions.entitlementFacts(associationId);
    return entitlementsOf(associationId, open, catalogue);
  }

  /** Association.entitlements: members of the association and operators. */
  async forViewer(viewer: Viewer | null, associationId: string): Promise<Entitlements> {
    if (!viewer) throw unauthenticated();
    if (!canSeeEntitlements(viewer, associationId)) throw forbidden('Only the association’s members may see what it subscribes to.');
    return this.of(associationId);
  }
}
