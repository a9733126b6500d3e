import DataLoader from 'dataloader';
import { alignToKeys, isUuid, type Viewer } from '@tunet/kit';
import type { AssociationRow, MemberRow, MembersRepository, UnitRow } from './members.repository';

export interface MembersLoaders {
  associationById: DataLoader<string, AssociationRow | null>;
  /** Members of the viewer's own association only; anyone else's id loads as null. */
  memberById: DataLoader<string, MemberRow | null>;
  unitById: DataLoader<{ associationId: string; id: string }, UnitRow | null, string>;
}

/** Per-request loaders, so resolving 1 or 100 entity references costs one query per type. */
export function createMembersLoaders(repository: MembersRepository, viewer: Viewer | null): MembersLoaders {
  return {
    associationById: new DataLoader(async (ids) => {
      const wellFormed = ids.filter(isUuid);
      if (!viewer || wellFormed.length === 0) return ids.map(() => null);
      const rows = viewer.platformAdmin
        ? await repository.findAssociationsAcrossTenants(wellFormed)
        : viewer.associationId
          ? await repository.findAssociations(viewer.associationId, wellFormed)
          : [];
      return alignToKeys(ids, rows, (row) => row.id);
    }),
    memberById: new DataLoader(async (ids) => {
      const wellFormed = ids.filter(isUuid);
      if (!viewer?.associationId || wellFormed.length === 0) return ids.map(() => null);
      return alignToKeys(ids, await repository.findMembers(viewer.associationId, wellFormed), (row) => row.id);
    }),
    unitById: new DataLoader(
      async (keys) => {
        const byTenant = new Map<string, string[]>();
        for (const key of keys) byTenant.set(key.associationId, [...(byTenant.get(key.associationId) ?? []), key.id]);
        const rows = (
          await Promise.all([...byTenant].map(([tenant, ids]) => repository.findUnits(tenant, ids)))
        ).flat();
        return alignToKeys(keys.map((key) => key.id), rows, (row) => row.id);
      },
      { cacheKeyFn: (key) => `${key.associationId}:${key.id}` },
    ),
  };
}
