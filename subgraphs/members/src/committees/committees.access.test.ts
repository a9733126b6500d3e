import { viewerOf } from '../members.fixtures';
import { canSeeCommittees, requireCommitteeManager } from './committees.access';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const M = '11111111-1111-4111-8111-111111111111';

describe('committees', () => {
  it.each([
    { actor: 'anonymous', viewer: null, sees: false },
    { actor: 'a resident', viewer: viewerOf(A, M, 'resident'), sees: true },
    { actor: 'a former member', viewer: viewerOf(A, M, null), sees: true },
    { actor: 'another association’s board', viewer: viewerOf(B, M, 'board'), sees: false },
    { actor: 'a platform admin outside any association', viewer: { ...viewerOf(A, M, null), associationId: null, platformAdmin: true }, sees: false },
  ])('are seen by $actor: $sees', ({ viewer, sees }) => {
    expect(canSeeCommittees(viewer, A)).toBe(sees);
  });

  it('are changed by the board of the association only', () => {
    expect(requireCommitteeManager(viewerOf(A, M, 'board'))).toBe(A);
    expect(() => requireCommitteeManager(viewerOf(A, M, 'resident'))).toThrow('Only the board may do this.');
    expect(() => requireCommitteeManager(null)).toThrow();
  });
});
