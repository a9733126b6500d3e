import type { Viewer } from '@tunet/kit';
import { requireBoard } from '../members/members.access';

/** Who may see and change committees. Pure functions: no I/O, easy to test as a matrix. */

/** Committees are the association's own business: its people see them, no one outside (admins included). */
export function canSeeCommittees(viewer: Viewer | null, associationId: string): boolean {
  return Boolean(viewer?.associationId) && viewer?.associationId === associationId;
}

/** The association whose committees and terms the viewer changes: board rights follow active board terms. */
export function requireCommitteeManager(viewer: Viewer | null): string {
  return requireBoard(viewer);
}
