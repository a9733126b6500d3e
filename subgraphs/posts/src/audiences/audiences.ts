import { isUuid, lowerCaseEnum, type MemberViewer } from '@tunet/kit';
import { z } from 'zod';
import type { AudienceKind } from '../tables';

/**
 * Who a post, a group's content or a document is for. Shared by posts, groups and documents so that "who may see
 * this" has one answer. Pure functions: no I/O.
 */
export type Audience = { kind: 'association' } | { kind: 'board' } | { kind: 'building' | 'committee' | 'group'; id: string };

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
  /** Whether the group is archived: its members still read its posts, but nobody posts to it any more. */
  isArchived(viewer: MemberViewer, groupId: string): Promise<boolean>;
  /** Whether the group exists in the viewer's association. */
  hasGroup(viewer: MemberViewer, groupId: string): Promise<boolean>;
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

export type GraphQLAudience = { kind: AudienceKind; id: string | null };

/**
 * An `AudienceInput` as clients send it, checked and turned into an Audience. The id must be given exactly for
 * the kinds that name something; problems are reported on `id`. Whether that building, committee or group
 * exists in the association is checked by AudienceReferences (audience-references.ts), which asks.
 */
export const audienceInput = z
  .object({ kind: lowerCaseEnum(['association', 'building', 'committee', 'group', 'board']), id: z.string().nullish() })
  .transform((input, ctx): Audience => {
    const { kind } = input;
    if (kind === 'association' || kind === 'board') {
      if (input.id != null) ctx.addIssue({ code: 'custom', path: ['id'], message: `an ${kind.toUpperCase()} audience takes no id` });
      return { kind };
    }
    if (!input.id || !isUuid(input.id)) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: `a ${kind.toUpperCase()} audience needs the id of its ${kind}` });
      return z.NEVER;
    }
    return { kind, id: input.id };
  });

/** The audience as the GraphQL type Audience. */
export function toGraphQLAudience(audience: Audience): GraphQLAudience {
  return { kind: audience.kind, id: 'id' in audience ? audience.id : null };
}
