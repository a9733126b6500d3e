import { isMember, type MemberRole, type Viewer } from '@tunet/kit';

/** Who may do what with posts. Pure functions: no I/O, easy to test as a matrix. */

/**
 * Posts are the association's own notice board, so every member reads them, externals included: the caretaker
 * needs to know about the dugnad and the water shut-off as much as residents do. Platform admins without a
 * membership may not: running Tunet gives no right to read what neighbours write to each other.
 */
export function canReadPosts(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId;
}

/**
 * Externals work for the association without belonging to it, so they may not speak on its board; what they
 * need to announce goes through the board. An allow-list, so a role added later cannot post until decided.
 */
const ROLES_THAT_POST: ReadonlySet<MemberRole> = new Set(['resident', 'board']);

export function canCreatePost(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId && ROLES_THAT_POST.has(viewer.role);
}
