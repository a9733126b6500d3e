import { isMember, type Viewer } from '@tunet/kit';

/** Who may do what with the association's code of conduct. Pure functions: no I/O, easy to test as a matrix. */

/**
 * Every member reads the rules and may accept them, externals included: the caretaker reads the board too, and
 * accepting costs nothing even for someone who may not post. Integrations act for no person, so they neither read
 * nor accept; platform admins without a membership have no association to follow rules in.
 */
export function canReadConduct(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId;
}

export const canAcceptConduct = canReadConduct;

/** The board sets the rules the association lives by. */
export function canPublishConduct(viewer: Viewer | null, associationId: string): boolean {
  return canReadConduct(viewer, associationId) && isMember(viewer) && viewer.role === 'board';
}
