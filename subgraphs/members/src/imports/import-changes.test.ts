import { listedChanges } from './import-changes';
import type { RowChange, Tenure } from './import-plan';

const tenure = (memberId: string, unitId: string, moveOut: string | null = null): Tenure => ({
  id: `t-${memberId}`,
  memberId,
  unitId,
  relation: 'owner',
  contractNumber: null,
  moveIn: '2020-01-01',
  moveOut,
});
const person = (id: string, name: string) => ({ id, name, email: null, phone: null });

describe('a dry run’s list of changes', () => {
  const changes: RowChange[] = [
    { position: 0, line: 2, unitId: 'u1', newPerson: person('p-new', 'Nina Ny'), newTenure: tenure('p-new', 'u1') },
    { position: 1, line: 3, unitId: 'u2', newTenure: tenure('p-ola', 'u2') },
    { position: 2, line: 4, unitId: 'u3', changedTenure: tenure('p-per', 'u3', '2026-12-31'), movedOut: tenure('p-per', 'u3', '2026-12-31') },
    { position: 3, line: 5, unitId: 'u4', changedPerson: person('p-kari', 'Kari') },
  ];
  const fullSyncMoveOuts = [tenure('p-aase', 'u5', '2026-12-07')];

  it('names what happens to whom: a new person by the row’s name, a member by id only', () => {
    expect(listedChanges({ changes, fullSyncMoveOuts })).toEqual({
      changes: [
        { kind: 'moved_out', line: 4, memberId: 'p-per', name: null, unitId: 'u3', moveOut: '2026-12-31' },
        { kind: 'moved_out', line: null, memberId: 'p-aase', name: null, unitId: 'u5', moveOut: '2026-12-07' },
        { kind: 'added', line: 2, memberId: null, name: 'Nina Ny', unitId: 'u1', moveOut: null },
        { kind: 'moved_in', line: 3, memberId: 'p-ola', name: null, unitId: 'u2', moveOut: null },
        { kind: 'updated', line: 5, memberId: 'p-kari', name: null, unitId: 'u4', moveOut: null },
      ],
      truncated: false,
    });
  });

  it('lists at most the cap, move-outs first, and says when there were more', () => {
    const capped = listedChanges({ changes, fullSyncMoveOuts }, 3);
    expect(capped.changes.map((change) => change.line)).toEqual([4, null, 2]);
    expect(capped.truncated).toBe(true);
    expect(listedChanges({ changes, fullSyncMoveOuts }, 5).truncated).toBe(false);
  });

  it('keeps a move-out when more updates than the cap come before it (review fix 6)', () => {
    const updates: RowChange[] = Array.from({ length: 5 }, (_, i) => ({
      position: i,
      line: i + 2,
      unitId: `u${i}`,
      changedPerson: person(`p-${i}`, `P ${i}`),
    }));
    const capped = listedChanges({ changes: updates, fullSyncMoveOuts }, 3);
    expect(capped.changes.map((change) => [change.kind, change.memberId])).toEqual([
      ['moved_out', 'p-aase'],
      ['updated', 'p-0'],
      ['updated', 'p-1'],
    ]);
    expect(capped.truncated).toBe(true);
  });
});
