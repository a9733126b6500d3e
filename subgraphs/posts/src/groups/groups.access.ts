import { isMember, type MemberRole, type Viewer } from '@tunet/kit';
import type { GroupKind, GroupRole } from '../tables';

/** Who may do what with groups. Pure functions: no I/O, easy to test as a matrix. */

/** What the rules need to know of a group. */
export interface GroupFacts {
  associationId: string;
  kind: GroupKind;
  open: boolean;
  committeeId: string | null;
}

/**
 * Every member sees which groups the association has, externals included, as they see its posts: knowing that
 * Festkomiteen exists is not private. Platform admins without a membership and integrations may not.
 */
export function canReadGroups(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId;
}

/**
 * Groups are for the people who live there; externals work for the association without belonging to it. An
 * allow-list, so a role added later cannot join or start groups until decided.
 */
const ROLES_THAT_TAKE_PART: ReadonlySet<MemberRole> = new Set(['resident', 'board']);

export function canJoinGroups(viewer: Viewer | null, associationId: string): boolean {
  return canReadGroups(viewer, associationId) && isMember(viewer) && ROLES_THAT_TAKE_PART.has(viewer.role);
}

/** Any resident may start an interest group; a committee group speaks for a committee, so only the board mirrors one. */
export function canCreateGroup(viewer: Viewer | null, associationId: string, kind: GroupKind): boolean {
  if (kind === 'committee') return canReadGroups(viewer, associationId) && viewer?.role === 'board';
  return canJoinGroups(viewer, associationId);
}

/**
 * Membership of a committee group is a seat in the committee, which the access token carries; membership of an
 * interest group is a row here (`role`, null without one). An external is in an interest group only when its
 * admins added them, which is their call to make.
 */
export function isGroupMember(viewer: Viewer | null, group: GroupFacts, role: GroupRole | null): boolean {
  if (!canReadGroups(viewer, group.associationId)) return false;
  if (group.kind === 'committee') return group.committeeId !== null && (viewer?.scope?.committeeIds ?? []).includes(group.committeeId);
  return role !== null;
}

/**
 * A group's admins run it; the board runs every group, as it answers for everything said in the association's
 * name. Committee groups have no admins of their own: the committee's members are decided in members.
 */
export function canManageGroup(viewer: Viewer | null, group: GroupFacts, role: GroupRole | null): boolean {
  if (!canReadGroups(viewer, group.associationId)) return false;
  if (viewer?.role === 'board') return true;
  return group.kind === 'interest' && role === 'admin';
}

/**
 * Who is in an open group is visible to everyone who could join it; a closed group's members only to each other
 * and to those who run it, since asking to join is all an outsider can do.
 */
export function canSeeGroupMembers(viewer: Viewer | null, group: GroupFacts, role: GroupRole | null): boolean {
  if (group.kind !== 'interest') return false;
  if (canManageGroup(viewer, group, role) || isGroupMember(viewer, group, role)) return true;
  return group.open && canJoinGroups(viewer, group.associationId);
}
