import type { ImportChangeRow } from '../tables';
import type { ImportPlan, RowChange } from './import-plan';

/** A dry run lists at most this many changes; a board reads them, and a sync of thousands is judged by its counts. */
export const MAX_LISTED_CHANGES = 500;

/**
 * What a dry run reports it would change (decision 0046): the plan's row changes in row order, then the full sync's
 * move-outs, the first `max` of them, and whether there were more. Each names an existing member by id only.
 */
export function listedChanges(
  plan: Pick<ImportPlan, 'changes' | 'fullSyncMoveOuts'>,
  max = MAX_LISTED_CHANGES,
): { changes: ImportChangeRow[]; truncated: boolean } {
  const total = plan.changes.length + plan.fullSyncMoveOuts.length;
  const rows = plan.changes.slice(0, max).map(entryOf);
  const endings = plan.fullSyncMoveOuts.slice(0, Math.max(0, max - rows.length)).map((tenure): ImportChangeRow => ({
    kind: 'moved_out',
    line: null,
    memberId: tenure.memberId,
    name: null,
    unitId: tenure.unitId,
    moveOut: tenure.moveOut,
  }));
  return { changes: [...rows, ...endings], truncated: total > max };
}

function entryOf(change: RowChange): ImportChangeRow {
  const tenure = change.newTenure ?? change.changedTenure ?? null;
  const common = { line: change.line, unitId: change.unitId, moveOut: tenure?.moveOut ?? null };
  if (change.newPerson) return { kind: 'added', memberId: null, name: change.newPerson.name, ...common };
  const memberId = tenure?.memberId ?? change.changedPerson?.id ?? null;
  if (change.newTenure) return { kind: 'moved_in', memberId, name: null, ...common };
  return { kind: change.movedOut ? 'moved_out' : 'updated', memberId, name: null, ...common };
}
