import { viewerOf } from '../members.fixtures';
import {
  canSeeBuildings,
  canSeeContractNumber,
  canSeeTenureHistory,
  requireHousingManager,
  requireTenureHistoryReader,
  requireUnitReader,
} from './housing.access';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const M = '11111111-1111-4111-8111-111111111111';
const operator = { ...viewerOf(B, null, null), associationId: null, platformAdmin: true };
const inSupport = { ...viewerOf(A, null, null), platformAdmin: true, support: { expiresAt: '2026-12-06T20:00:00.000Z' } };

describe.each([
  { actor: 'anonymous', viewer: null, buildings: false, history: false },
  { actor: 'a resident', viewer: viewerOf(A, M, 'resident'), buildings: true, history: false },
  { actor: 'an external', viewer: viewerOf(A, M, 'external'), buildings: true, history: false },
  { actor: 'the board', viewer: viewerOf(A, M, 'board'), buildings: true, history: true },
  { actor: 'another association’s board', viewer: viewerOf(B, M, 'board'), buildings: false, history: false },
  { actor: 'a platform operator', viewer: operator, buildings: false, history: false },
  { actor: 'an operator in a support session there', viewer: inSupport, buildings: true, history: true },
])('housing of association A for $actor', ({ viewer, buildings, history }) => {
  it(`${buildings ? 'shows' : 'hides'} the buildings and ${history ? 'shows' : 'hides'} tenure history and contract numbers`, () => {
    expect(canSeeBuildings(viewer, A)).toBe(buildings);
    expect(canSeeTenureHistory(viewer, A)).toBe(history);
    expect(canSeeContractNumber(viewer, { associationId: A })).toBe(history);
    if (history) expect(() => requireTenureHistoryReader(viewer, A)).not.toThrow();
    else expect(() => requireTenureHistoryReader(viewer, A)).toThrow('Only the board sees the tenure history of a unit.');
  });
});

describe('units and changes', () => {
  it('opens a unit to any signed-in viewer and asks anyone else to sign in', () => {
    expect(() => requireUnitReader(viewerOf(B, M, 'external'))).not.toThrow();
    expect(() => requireUnitReader(null)).toThrow();
  });

  it('lets only the board change buildings, units and tenures, in its own association', () => {
    expect(requireHousingManager(viewerOf(A, M, 'board'))).toBe(A);
    expect(() => requireHousingManager(viewerOf(A, M, 'resident'))).toThrow('Only the board may do this.');
  });
});
