import type DataLoader from 'dataloader';
import { groupLoader, tenantLoader, type Viewer } from '@tunet/kit';
import { canReadResources } from './resources.access';
import type { ClosedPeriodRow, LocationRow, OpeningHoursRow, QuotaRow, ResourceRow, ResourcesRepository } from './resources.repository';

export interface ResourcesLoaders {
  /** Resources of the viewer's own association only; anyone else's id, and any id for non-members, load as null. */
  resourceById: DataLoader<string, ResourceRow | null>;
  locationById: DataLoader<string, LocationRow | null>;
  openingHoursByResource: DataLoader<string, OpeningHoursRow[]>;
  closedPeriodsByResource: DataLoader<string, ClosedPeriodRow[]>;
  quotasByResource: DataLoader<string, QuotaRow[]>;
}

/** Per-request loaders; a viewer who may not read resources gets loaders that find nothing. */
export function createResourcesLoaders(repository: ResourcesRepository, viewer: Viewer | null): ResourcesLoaders {
  const reader = viewer?.associationId && canReadResources(viewer, viewer.associationId) ? viewer : null;
  return {
    resourceById: tenantLoader(reader, (tenant, ids) => repository.findResources(tenant, ids)),
    locationById: tenantLoader(reader, (tenant, ids) => repository.findLocations(tenant, ids)),
    openingHoursByResource: groupLoader(
      reader,
      (tenant, ids) => repository.findOpeningHours(tenant, ids),
      (h) => h.resourceId,
    ),
    closedPeriodsByResource: groupLoader(
      reader,
      (tenant, ids) => repository.findClosedPeriods(tenant, ids),
      (p) => p.resourceId,
    ),
    quotasByResource: groupLoader(
      reader,
      (tenant, ids) => repository.findQuotas(tenant, ids),
      (q) => q.resourceId,
    ),
  };
}
