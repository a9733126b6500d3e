import { isMember, type Viewer } from '@tunet/kit';
import type { MemberRow } from './members.repository';

/** Who may do what with associations and members. Pure functions: no I/O, easy to test as a matrix. */

export function canViewAssociation(viewer: Viewer | null, associationId: string): boolean {
  if (!viewer) return false;
  return viewer.platformAdmin || viewer.associationId === associationId;
}

/** Members of an association may see who else belongs to it; nobody else may, except platform admins. */
export function canListMembers(viewer: Viewer | null, associationId: string): boolean {
  return canViewAssociation(viewer, associationId) && (viewer?.platformAdmin || isMember(viewer));
}

/** Contact e-mail is for the member themself, the board that runs the association, and platform admins. */
export function canSeeEmail(viewer: Viewer | null, member: MemberRow): boolean {
  if (!viewer) return false;
  if (viewer.platformAdmin || viewer.memberId === member.id) return true;
  return viewer.role === 'board' && viewer.associationId === member.associationId;
}
