import type { Viewer } from '@tunet/kit';
import { canManageBilling, canSeeEntitlements, isBoardOf, isOperator } from './subscriptions.access';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const base: Viewer = {
  accountId: '00000000-0000-4000-8000-000000000001',
  associationId: A,
  memberId: '00000000-0000-4000-8000-000000000002',
  role: 'board',
  platformAdmin: false,
  sessionId: null,
};
const resident: Viewer = { ...base, role: 'resident' };
const integration: Viewer = { ...base, role: null, memberId: null, integration: { apiKeyId: base.accountId, scopes: ['members:read'] } };
const operator: Viewer = { ...base, associationId: null, memberId: null, role: null, platformAdmin: true };

describe('billing access', () => {
  it('lets the board of the association manage it, and not another association', () => {
    expect(isBoardOf(base, A)).toBe(true);
    expect(canManageBilling(base, B)).toBe(false);
    expect(canManageBilling(resident, A)).toBe(false);
    expect(canManageBilling(integration, A)).toBe(false);
  });

  it('lets residents see what is on, only in their own association', () => {
    expect(canSeeEntitlements(resident, A)).toBe(true);
    expect(canSeeEntitlements(resident, B)).toBe(false);
    expect(canSeeEntitlements(integration, A)).toBe(false);
  });

  it('gives operators provider-level access without a support session, but not an integration with the flag', () => {
    expect(isOperator(operator)).toBe(true);
    expect(canManageBilling(operator, B)).toBe(true);
    expect(isOperator({ ...integration, platformAdmin: true })).toBe(false);
  });

  it('treats a platform admin signed in through a membership as that member, never as an operator (decision 0030)', () => {
    expect(isOperator({ ...base, platformAdmin: true })).toBe(false);
    expect(canManageBilling({ ...base, platformAdmin: true, associationId: B }, A)).toBe(false);
    expect(canSeeEntitlements({ ...resident, platformAdmin: true, associationId: B }, A)).toBe(false);
  });
});
