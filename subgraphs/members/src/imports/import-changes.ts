import type { ImportChangeRow } from '../tables';
import type { ImportPlan, RowChange } from './import-plan';

/** A dry run lists at most this many changes; a board reads them, and a sync of thousands is judged by its counts. */
export const MAX_LISTED_CHANGES = 500;

/** The order a truncated list keeps: what ends someone's tenure first, since a board must not miss it among updates. */
const KIND_ORDER: Record<ImportChangeRow['kind'], number> = { moved_out: 0, added: 1, moved_in: 2, updated: 3 };

/**
 * What a dry run reports it would change (decision 0046): move-outs first (the rows' in row order, then the full
 * sync's), then additions, move-ins and updates in row order; the first `max` of them, and whether there were more.
 * Each names an existing member by id only.
 */
export function listedChanges(
  plan: Pick<ImportPlan, 'changes' | 'fullSyncMoveOuts'>,
  max = MAX_LISTED_CHANGES,
): { changes: ImportChangeRow[]; truncated: boolean } {
  const endings = plan.fullSyncMoveOuts.map((tenure): ImportChangeRow => ({
    kind: 'moved_out',
    line: null,
    memberId: tenure.memberId,
    name: null,
    unitId: tenure.unitId,
    moveOut: tenure.moveOut,
  }));
  // Array.prototype.sort is stable: within a kind, row order (and the full sync's after the rows') stays.
  const all = [...plan.changes.map(entryOf), ...endings].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  return { changes: all.slice(0, max), truncated: all.length > max };
}

function entryOf(change: RowChange): ImportChangeRow {
  const tenure = change.newTenure ?? change.changedTenure ?? null;
  const common = { line: change.line, unitId: change.unitId, moveOut: tenure?.moveOut ?? null };
  if (change.newPerson) return { kind: 'added', memberId: null, name: change.newPerson.name, ...common };
  const memberId = tenure?.memberId ?? change.changedPerson?.id ?? null;
  if (change.newTenure) return { kind: 'moved_in', memberId, name: null, ...common };
  return { kind: change.movedOut ? 'moved_out' : 'updated', memberId, name: null, ...common };
}
