import DataLoader from 'dataloader';
import { groupLoader, isMember, isUuid, tenantLoader, type Viewer } from '@tunet/kit';
import type { GroupRole } from '../tables';
import { canReadGroups } from './groups.access';
import type { GroupRow, GroupsRepository } from './groups.repository';

export interface GroupsLoaders {
  /** Groups of the viewer's own association only; anyone else's id, and any id for non-members, load as null. */
  groupById: DataLoader<string, GroupRow | null>;
  /** How many members each interest group has. */
  memberCountByGroup: DataLoader<string, number>;
  /** The viewer's role in each interest group; null where they are not a member. */
  viewerRoleByGroup: DataLoader<string, GroupRole | null>;
  /** How many requests to join wait in each group; its resolver shows it only to those who run the group. */
  pendingRequestCountByGroup: DataLoader<string, number>;
  /** Whether the viewer waits for an answer to a request to join each group. */
  viewerRequestedByGroup: DataLoader<string, boolean>;
}

/**
 * Per-request loaders: each field of a page of groups costs one query however many groups the page holds.
 * Viewers who may not read groups get loaders that find nothing, without a query.
 */
export function createGroupsLoaders(repository: GroupsRepository, viewer: Viewer | null): GroupsLoaders {
  const reader = viewer?.associationId && canReadGroups(viewer, viewer.associationId) ? viewer : null;
  const counts = groupLoader(
    reader,
    (tenant, ids) => repository.countMembers(tenant, ids),
    (row) => row.groupId,
  );
  const pending = groupLoader(
    reader,
    (tenant, ids) => repository.countPendingRequests(tenant, ids),
    (row) => row.groupId,
  );
  return {
    groupById: tenantLoader(reader, (tenant, ids) => repository.findGroups(tenant, ids)),
    memberCountByGroup: new DataLoader(async (ids) => (await counts.loadMany(ids)).map(onlyCount)),
    pendingRequestCountByGroup: new DataLoader(async (ids) => (await pending.loadMany(ids)).map(onlyCount)),
    viewerRoleByGroup: viewerLoader(
      reader,
      async (tenant, memberId, ids) => {
        const rows = await repository.membershipsOf(tenant, memberId, ids);
        return ids.map((id) => rows.find((row) => row.groupId === id)?.role ?? null);
      },
      null,
    ),
    viewerRequestedByGroup: viewerLoader(
      reader,
      async (tenant, memberId, ids) => {
        const rows = await repository.pendingRequestsOf(tenant, memberId, ids);
        return ids.map((id) => rows.some((row) => row.groupId === id));
      },
      false,
    ),
  };
}

/** A loader of something about the viewer themselves per group, answered in one query per batch. */
function viewerLoader<T>(reader: Viewer | null, find: (tenant: string, memberId: string, ids: string[]) => Promise<T[]>, none: T): DataLoader<string, T> {
  return new DataLoader(async (ids) => {
    const wellFormed = ids.filter(isUuid);
    if (!isMember(reader) || wellFormed.length === 0) return ids.map(() => none);
    const found = await find(reader.associationId, reader.memberId, wellFormed);
    const byId = new Map(wellFormed.map((id, index) => [id, found[index]!]));
    return ids.map((id) => byId.get(id) ?? none);
  });
}

/** A group's count holds at most one row; none means none. */
function onlyCount(group: { count: number }[] | Error): number {
  if (group instanceof Error) throw group;
  return group[0]?.count ?? 0;
}
