import { forbidden, unauthenticated, type Viewer } from '@tunet/kit';
import { canAdminister, requireBoard } from '../members/members.access';

/** Who may see and hand out the association's API keys. Pure functions: no I/O, easy to test as a matrix. */

/** The board (or a platform admin): a key acts for the whole association, so only those who run it issue one. */
export function canManageApiKeys(viewer: Viewer | null, associationId: string): boolean {
  return canAdminister(viewer, associationId);
}

/** Anyone but the board is told FORBIDDEN rather than shown an empty list that would read as "no keys". */
export function requireApiKeyReader(viewer: Viewer | null, associationId: string): void {
  if (!viewer) throw unauthenticated();
  if (!canManageApiKeys(viewer, associationId)) throw forbidden('Only the board sees the API keys.');
}

/** The association whose keys the viewer creates and revokes: their own, as its board. */
export function requireApiKeyManager(viewer: Viewer | null): string {
  return requireBoard(viewer);
}
