import { viewerOf } from '../members.fixtures';
import { canManageInvitations, requireInvitationReader, requireInviter } from './invitations.access';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const M = '11111111-1111-4111-8111-111111111111';

describe.each([
  { actor: 'a resident', viewer: viewerOf(A, M, 'resident'), manages: false },
  { actor: 'an external', viewer: viewerOf(A, M, 'external'), manages: false },
  { actor: 'the board', viewer: viewerOf(A, M, 'board'), manages: true },
  { actor: 'another association’s board', viewer: viewerOf(B, M, 'board'), manages: false },
  { actor: 'a platform operator', viewer: { ...viewerOf(B, null, null), associationId: null, platformAdmin: true }, manages: false },
  {
    actor: 'an operator in a support session there',
    viewer: { ...viewerOf(A, null, null), platformAdmin: true, support: { expiresAt: '2026-12-06T20:00:00.000Z' } },
    manages: true,
  },
])('invitations of association A for $actor', ({ viewer, manages }) => {
  it(manages ? 'are listed' : 'are refused with FORBIDDEN', () => {
    expect(canManageInvitations(viewer, A)).toBe(manages);
    if (manages) expect(() => requireInvitationReader(viewer, A)).not.toThrow();
    else expect(() => requireInvitationReader(viewer, A)).toThrow('Only the board sees the invitations.');
  });
});

describe('inviting', () => {
  it('asks an anonymous viewer to sign in, and lets only the board invite into its own association', () => {
    expect(() => requireInvitationReader(null, A)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }));
    expect(requireInviter(viewerOf(A, M, 'board'))).toBe(A);
    expect(() => requireInviter(viewerOf(A, M, 'resident'))).toThrow('Only the board may do this.');
  });
});
