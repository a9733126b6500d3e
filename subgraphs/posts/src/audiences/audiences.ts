import type { MemberViewer } from '@tunet/kit';
import type { AudienceKind } from '../tables';

/**
 * Who a post, a group's content or a document is for. Shared by posts, groups and documents so that "who may see
 * this" has one answer. Pure functions: no I/O.
 */
export type Audience =
  | { kind: 'association' }
  | { kind: 'board' }
  | { kind: 'building' | 'committee' | 'group'; id: string };

/**
 * Everything about a viewer that decides which audiences they are in. Buildings and committees come from the
 * access token (viewer.scope, docs/decisions/0010); groups from the posts subgraph's own group memberships.
 */
export interface ViewerAudiences {
  associationId: string;
  memberId: string;
  board: boolean;
  buildingIds: readonly string[];
  committeeIds: readonly string[];
  groupIds: readonly string[];
}

/** Where a viewer's group memberships come from; the groups domain answers it (committee groups included). */
export interface GroupMembershipSource {
  groupIdsOf(viewer: MemberViewer): Promise<string[]>;
}

export function viewerAudiences(viewer: MemberViewer, groupIds: readonly string[]): ViewerAudiences {
  return {
    associationId: viewer.associationId,
    memberId: viewer.memberId,
    board: viewer.role === 'board',
    buildingIds: viewer.scope?.buildingIds ?? [],
    committeeIds: viewer.scope?.committeeIds ?? [],
    groupIds,
  };
}

/**
 * Whether the viewer is in the audience. The board sees every audience: it answers for everything published in
 * the association's name and moderates it. Externals (the caretaker) have no home or seat, so they see only what
 * is for the whole association.
 */
export function isInAudience(audience: Audience, viewer: ViewerAudiences): boolean {
  if (viewer.board) return true;
  switch (audience.kind) {
    case 'association':
      return true;
    case 'board':
      return false;
    case 'building':
      return viewer.buildingIds.includes(audience.id);
    case 'committee':
      return viewer.committeeIds.includes(audience.id);
    case 'group':
      return viewer.groupIds.includes(audience.id);
  }
}

/** The audience stored in a row's `audience_kind` / `audience_id` columns. */
export function audienceOf(row: { audienceKind: AudienceKind; audienceId: string | null }): Audience {
  if (row.audienceKind === 'association' || row.audienceKind === 'board') return { kind: row.audienceKind };
  if (!row.audienceId) throw new Error(`audience ${row.audienceKind} without an id`);
  return { kind: row.audienceKind, id: row.audienceId };
}
