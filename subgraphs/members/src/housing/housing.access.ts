import { forbidden, unauthenticated, type Viewer } from '@tunet/kit';
import { canAdminister, requireBoard } from '../members/members.access';

/** Who may see and change buildings, units and tenures. Pure functions: no I/O, easy to test as a matrix. */

/** Any signed-in viewer may open a unit; the loaders' tenant scope decides whether it is found. */
export function requireUnitReader(viewer: Viewer | null): void {
  if (!viewer) throw unauthenticated();
}

/** The association's people see its buildings; no one outside it. */
export function canSeeBuildings(viewer: Viewer | null, associationId: string): boolean {
  return Boolean(viewer?.associationId) && viewer?.associationId === associationId;
}

/** Who lived where, and under which contract, is for the board: neighbours see only the current household. */
export function canSeeTenureHistory(viewer: Viewer | null, associationId: string): boolean {
  return canAdminister(viewer, associationId);
}

export function requireTenureHistoryReader(viewer: Viewer | null, associationId: string): void {
  if (!canSeeTenureHistory(viewer, associationId)) throw forbidden('Only the board sees the tenure history of a unit.');
}

export function canSeeContractNumber(viewer: Viewer | null, tenure: { associationId: string }): boolean {
  return canAdminister(viewer, tenure.associationId);
}

/** The association whose buildings, units and tenures the viewer changes: their own, as its board. */
export function requireHousingManager(viewer: Viewer | null): string {
  return requireBoard(viewer);
}
