import { forbidden, unauthenticated, type Viewer } from '@tunet/kit';
import { canAdminister, requireBoard } from '../members/members.access';

/** Who may see and send invitations. Pure functions: no I/O, easy to test as a matrix. */

/** The board (or a platform admin) invites people, so only they see who was invited and whether they came. */
export function canManageInvitations(viewer: Viewer | null, associationId: string): boolean {
  return canAdminister(viewer, associationId);
}

/** Anyone else is told FORBIDDEN, not shown an empty list. */
export function requireInvitationReader(viewer: Viewer | null, associationId: string): void {
  if (!viewer) throw unauthenticated();
  if (!canManageInvitations(viewer, associationId)) throw forbidden('Only the board sees the invitations.');
}

/** The association the viewer invites into, resends and revokes in: their own, as its board. */
export function requireInviter(viewer: Viewer | null): string {
  return requireBoard(viewer);
}
