import DataLoader from 'dataloader';
import { alignToKeys, isPlatformOperator, isUuid, tenantLoader, type Viewer } from '@tunet/kit';
import type { AssociationRow, MemberRow, MembersRepository } from './members.repository';

export interface MembersLoaders {
  associationById: DataLoader<string, AssociationRow | null>;
  /** Members of the viewer's own association only; anyone else's id loads as null. */
  memberById: DataLoader<string, MemberRow | null>;
}

/** Per-request loaders, so resolving 1 or 100 entity references costs one query per type. */
export function createMembersLoaders(repository: MembersRepository, viewer: Viewer | null): MembersLoaders {
  return {
    associationById: new DataLoader(async (ids) => {
      const wellFormed = ids.filter(isUuid);
      if (!viewer || wellFormed.length === 0) return ids.map(() => null);
      // Operators keep the register of associations; what is inside each is guarded field by field.
      const rows = isPlatformOperator(viewer)
        ? await repository.findAssociationsAcrossTenants(wellFormed)
        : viewer.associationId
          ? await repository.findAssociations(viewer.associationId, wellFormed)
          : [];
      return alignToKeys(ids, rows, (row) => row.id);
    }),
    memberById: tenantLoader(viewer, (tenant, ids) => repository.findMembers(tenant, ids)),
  };
}
