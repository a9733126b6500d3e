import type { Viewer } from '@tunet/kit';
import { viewerOf } from '../members.fixtures';
import { requireNotSuspended, requirePerson, sessionRoleOf } from './auth.access';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const M = '11111111-1111-4111-8111-111111111111';

describe('the role a session acts in', () => {
  it.each([
    { roles: ['resident', 'board'] as const, role: 'board' },
    { roles: ['external', 'resident'] as const, role: 'resident' },
    { roles: ['external'] as const, role: 'external' },
    { roles: [] as const, role: null },
  ])('is $role for $roles', ({ roles, role }) => {
    expect(sessionRoleOf(roles)).toBe(role);
  });
});

describe('password and e-mail changes', () => {
  it('belong to a person in an association, not to an API key or an anonymous caller', () => {
    const person = viewerOf(A, M, 'resident');
    const integration: Viewer = { ...viewerOf(A, null, null), integration: { apiKeyId: M, scopes: ['members:read'] } };
    expect(requirePerson(person)).toBe(person);
    expect(() => requirePerson(integration)).toThrow('An API key has no password or e-mail of its own.');
    expect(() => requirePerson(null)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }));
  });

  it('tells an operator in his own session how his password is set, not that he is logged out', () => {
    const operator: Viewer = { ...viewerOf(A, null, null), associationId: null, platformAdmin: true };
    expect(() => requirePerson(operator)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }));
  });

  it("is not an operator's support session, which acts for the association and would send his mail in its name", () => {
    const inSupport: Viewer = { ...viewerOf(A, null, null), platformAdmin: true, support: { expiresAt: '2026-12-06T20:00:00.000Z' } };
    expect(() => requirePerson(inSupport)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }));
  });
});

describe('logging in while suspended', () => {
  it('is refused with the reason and the end date', () => {
    expect(() => requireNotSuspended({ suspension: null })).not.toThrow();
    expect(() => requireNotSuspended({ suspension: { reason: 'Unpaid fees', until: '2027-01-31' } })).toThrow(
      'Your membership is suspended until 2027-01-31: Unpaid fees.',
    );
    expect(() => requireNotSuspended({ suspension: { reason: 'Noise', until: null } })).toThrow(
      expect.objectContaining({
        message: 'Your membership is suspended: Noise.',
        extensions: expect.objectContaining({ code: 'FORBIDDEN', reason: 'MEMBERSHIP_SUSPENDED', suspensionReason: 'Noise', until: null }),
      }),
    );
  });
});
