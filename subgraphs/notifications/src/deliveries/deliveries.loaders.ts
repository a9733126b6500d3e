import type DataLoader from 'dataloader';
import { groupLoader, type Viewer } from '@tunet/kit';
import { canSeeOwnDeliveries } from './deliveries.access';
import type { DeliveriesRepository, DeliveryRow } from './deliveries.repository';

/** The deliveries' per-request loaders. */
export interface DeliveriesLoaders {
  /**
   * Each notification's deliveries, one statement for a page of notifications. Loads whatever the association has:
   * the service asks only for notifications whose deliveries the viewer may see.
   */
  deliveriesByNotification: DataLoader<string, DeliveryRow[]>;
}

/** Per-request loaders; a viewer who is no member of an association finds nothing. */
export function createDeliveriesLoaders(repository: DeliveriesRepository, viewer: Viewer | null): DeliveriesLoaders {
  const member = viewer?.associationId && canSeeOwnDeliveries(viewer, viewer.associationId) ? viewer : null;
  return {
    deliveriesByNotification: groupLoader(
      member,
      (tenant, ids) => repository.deliveriesOf(tenant, ids),
      (row) => row.notificationId,
    ),
  };
}
