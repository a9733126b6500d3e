import { planImport, type Snapshot, type Tenure } from './import-plan';
import type { ImportRow, Rejection } from './import-rows';

const TODAY = '2026-06-15';
const unit = (id: string, building: string, number: string, shareNumber: string | null = null) => ({ id, building, number, shareNumber });
const tenure = (id: string, memberId: string, unitId: string, moveIn: string, moveOut: string | null = null): Tenure => ({
  id,
  memberId,
  unitId,
  relation: 'owner',
  contractNumber: null,
  moveIn,
  moveOut,
});

const snapshot = (): Snapshot => ({
  today: TODAY,
  timeZone: 'Europe/Oslo',
  units: [
    unit('u1', 'Blokk A', 'H0101', '1'),
    unit('u2', 'Blokk A', 'H0102', '2'),
    unit('u3', 'Blokk B', 'H0101'),
    unit('u4', 'Blokk C', 'H0101'),
    unit('u5', 'blokk c', 'h0101'),
  ],
  people: [
    { id: 'ola', name: 'Ola Hansen', email: 'Ola@Example.com', phone: null },
    { id: 'ingrid', name: 'Ingrid Hansen', email: null, phone: null },
    { id: 'former', name: 'Tidligere Beboer', email: 'former@example.com', phone: null },
    { id: 'per', name: 'Per Ødegård', email: 'per@example.com', phone: null },
  ],
  tenures: [
    tenure('t-former', 'former', 'u2', '2010-01-01', '2024-12-31'),
    tenure('t-ola', 'ola', 'u1', '2019-08-15'),
    { ...tenure('t-ingrid', 'ingrid', 'u1', '2019-08-15'), relation: 'co_owner' },
    tenure('t-per', 'per', 'u3', '2020-01-01', '2026-09-30'),
  ],
});

let line = 1;
const row = (fields: Partial<ImportRow>): ImportRow => ({
  line: ++line,
  position: line - 2,
  unit: { shareNumber: '1' },
  name: 'Ola Hansen',
  email: null,
  phone: null,
  relation: 'owner',
  contractNumber: null,
  moveIn: null,
  moveOut: null,
  ...fields,
});

const plan = (rows: ImportRow[], mode: 'upsert' | 'full_sync' = 'upsert', rejected: Rejection[] = []) => planImport(snapshot(), rows, rejected, mode);

beforeEach(() => {
  line = 1;
});

describe('planning an import', () => {
  it('finds people by e-mail whatever its case, and changes only what differs', () => {
    const result = plan([row({ email: 'ola@example.com' }), row({ email: 'ola@example.com', unit: { shareNumber: '2' }, phone: '+47 900 00 000' })]);
    expect(result.counts).toEqual({ created: 1, updated: 0, unchanged: 1, movedOut: 0 });
    expect(result.changes).toEqual([
      {
        position: 1,
        line: 3,
        unitId: 'u2',
        changedPerson: { id: 'ola', name: 'Ola Hansen', email: 'Ola@Example.com', phone: '+47 900 00 000' },
        newTenure: expect.objectContaining({ memberId: 'ola', unitId: 'u2', moveIn: TODAY }),
      },
    ]);
  });

  it('finds people without a known e-mail by name on the unit, and then records their e-mail', () => {
    const result = plan([row({ name: 'Ingrid Hansen', email: 'ingrid@example.com', relation: 'co_owner' })]);
    expect(result.counts).toEqual({ created: 0, updated: 1, unchanged: 0, movedOut: 0 });
    expect(result.changes[0]!.changedPerson).toEqual({ id: 'ingrid', name: 'Ingrid Hansen', email: 'ingrid@example.com', phone: null });
  });

  it('creates a person it cannot find, and a later row finds that person again as a duplicate', () => {
    const result = plan([row({ name: 'Nina Ny', unit: { building: 'blokk a', number: 'h0101' } }), row({ name: 'Nina Ny' })]);
    expect(result.changes[0]).toMatchObject({ newPerson: { name: 'Nina Ny', email: null }, newTenure: { unitId: 'u1', moveIn: TODAY, moveOut: null } });
    expect(result.rejected).toEqual([{ line: 3, field: 'name', reason: 'Line 2 already has this person in this unit.' }]);
  });

  it('rejects unknown and ambiguous units, and namesakes it cannot tell apart', () => {
    const namesakes = snapshot();
    namesakes.people.push({ id: 'ola2', name: 'Ola Hansen', email: null, phone: null });
    namesakes.tenures.push(tenure('t-ola2', 'ola2', 'u1', '2001-01-01', '2005-01-01'));
    const result = planImport(
      namesakes,
      [
        row({ unit: { shareNumber: '99' } }),
        row({ unit: { building: 'Blokk Z', number: 'H0101' } }),
        row({ unit: { building: 'Blokk C', number: 'H0101' } }),
        row({}),
      ],
      [],
      'upsert',
    );
    expect(result.rejected.map((r) => r.field)).toEqual(['shareNumber', 'unitNumber', 'unitNumber', 'name']);
    expect(result.changes).toEqual([]);
  });

  it('leaves a planned move-out alone, and announces one the row sets', () => {
    const kept = plan([row({ name: 'Per Ødegård', email: 'per@example.com', unit: { building: 'Blokk B', number: 'H0101' } })]);
    expect(kept.counts.unchanged).toBe(1);

    const moved = plan([row({ name: 'Per Ødegård', email: 'per@example.com', unit: { building: 'Blokk B', number: 'H0101' }, moveOut: '2026-06-01' })]);
    expect(moved.changes[0]).toMatchObject({ changedTenure: { id: 't-per', moveOut: '2026-06-01' }, movedOut: { id: 't-per' } });
  });

  it('reopens an ended tenure the row lists as ongoing, but starts a new one after a later move-in', () => {
    const reopened = plan([row({ name: 'Tidligere Beboer', email: 'former@example.com', unit: { shareNumber: '2' } })]);
    expect(reopened.changes[0]).toEqual({
      position: 0,
      line: 2,
      unitId: 'u2',
      changedTenure: { ...tenure('t-former', 'former', 'u2', '2010-01-01'), moveOut: null },
    });

    const movedBack = plan([row({ name: 'Tidligere Beboer', email: 'former@example.com', unit: { shareNumber: '2' }, moveIn: '2025-03-01' })]);
    expect(movedBack.changes[0]!.newTenure).toMatchObject({ memberId: 'former', unitId: 'u2', moveIn: '2025-03-01', moveOut: null });
    expect(movedBack.counts.created).toBe(1);
  });

  it('rejects a move-out before the move-in Tunet has, and a past tenure without its move-in', () => {
    const result = plan([row({ email: 'ola@example.com', moveOut: '2018-01-01' }), row({ name: 'Ny Person', moveOut: '2020-01-01' })]);
    expect(result.rejected.map((r) => [r.line, r.field])).toEqual([
      [2, 'moveOut'],
      [3, 'moveIn'],
    ]);
  });

  it('ends today every tenure in force that a full sync does not mention, unless rows were rejected', () => {
    const rows = [row({ email: 'ola@example.com' }), row({ name: 'Ingrid Hansen', relation: 'co_owner' })];
    const sync = plan(rows, 'full_sync');
    expect(sync.fullSyncMoveOuts).toEqual([{ ...tenure('t-per', 'per', 'u3', '2020-01-01'), moveOut: TODAY }]);
    expect(sync.counts).toEqual({ created: 0, updated: 0, unchanged: 2, movedOut: 1 });

    const withRejections = plan(rows, 'full_sync', [{ line: 9, field: 'email', reason: 'x' }]);
    expect(withRejections.fullSyncMoveOuts).toEqual([]);
    expect(withRejections.counts.movedOut).toBe(0);
  });
});
