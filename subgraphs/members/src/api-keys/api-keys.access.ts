import { forbidden, unauthenticated, type Viewer } from '@tunet/kit';
import { canAdminister, requireBoard } from '../members/members.access';

/** Who may see and hand out the association's API keys. Pure functions: no I/O, easy to test as a matrix. */

/** The board (or an operator in a support session there): a key acts for the whole association, so only those who run it issue one. */
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

/**
 * The association the viewer issues a key for. An operator in a support session may list and revoke keys but not
 * issue one: its secret would stay with the operator after the session ends, and requests made with it are never
 * logged where the board reads them (decision 0030).
 */
export function requireApiKeyIssuer(viewer: Viewer | null): string {
  const tenant = requireApiKeyManager(viewer);
  if (viewer?.support) throw forbidden('Only the board issues API keys: a support session leaves no credential behind.');
  return tenant;
}
