import type DataLoader from 'dataloader';
import { groupLoader, tenantLoader, type Viewer } from '@tunet/kit';
import type { BuildingRow, HousingRepository, TenureRow, UnitRow } from './housing.repository';

export interface HousingLoaders {
  buildingById: DataLoader<string, BuildingRow | null>;
  unitById: DataLoader<string, UnitRow | null>;
  unitsByBuilding: DataLoader<string, UnitRow[]>;
  /** Every tenure of a member, newest first. */
  tenuresByMember: DataLoader<string, TenureRow[]>;
  /** Every tenure on a unit, newest first. */
  tenuresByUnit: DataLoader<string, TenureRow[]>;
}

/** Per-request loaders for buildings, units and tenures of the viewer's association. */
export function createHousingLoaders(repository: HousingRepository, viewer: Viewer | null): HousingLoaders {
  return {
    buildingById: tenantLoader(viewer, (tenant, ids) => repository.findBuildings(tenant, ids)),
    unitById: tenantLoader(viewer, (tenant, ids) => repository.findUnits(tenant, ids)),
    unitsByBuilding: groupLoader(
      viewer,
      (tenant, ids) => repository.unitsInBuildings(tenant, ids),
      (unit) => unit.buildingId,
    ),
    tenuresByMember: groupLoader(
      viewer,
      (tenant, ids) => repository.tenuresOf(tenant, 'member', ids, false),
      (t) => t.memberId,
    ),
    tenuresByUnit: groupLoader(
      viewer,
      (tenant, ids) => repository.tenuresOf(tenant, 'unit', ids, false),
      (t) => t.unitId,
    ),
  };
}
