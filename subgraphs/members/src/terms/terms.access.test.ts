import type { Viewer } from '@tunet/kit';
import { requireOperator } from '../associations/associations.access';
import { viewerOf } from '../members.fixtures';
import { canSeeAssociationTerms, requireTermsAcceptor, requireTermsReader } from './terms.access';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const M = '11111111-1111-4111-8111-111111111111';
const operator: Viewer = { accountId: M, associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };
const integrator: Viewer = { ...viewerOf(A, null, null), integration: { apiKeyId: M, scopes: ['members:read', 'members:import', 'charges:read'] } };

const codeOf = (act: () => unknown): unknown => {
  try {
    act();
    return null;
  } catch (error) {
    return (error as { extensions?: { code?: unknown } }).extensions?.code;
  }
};

describe.each([
  { actor: 'anonymous', viewer: null, sees: false, accept: 'UNAUTHENTICATED', read: 'UNAUTHENTICATED', operate: 'UNAUTHENTICATED' },
  { actor: 'a resident', viewer: viewerOf(A, M, 'resident'), sees: false, accept: 'FORBIDDEN', read: null, operate: 'FORBIDDEN' },
  { actor: 'the board', viewer: viewerOf(A, M, 'board'), sees: true, accept: null, read: null, operate: 'FORBIDDEN' },
  { actor: 'another association’s board', viewer: viewerOf(B, M, 'board'), sees: false, accept: 'NOT_FOUND', read: null, operate: 'FORBIDDEN' },
  { actor: 'an integration', viewer: integrator, sees: false, accept: 'FORBIDDEN', read: 'FORBIDDEN', operate: 'FORBIDDEN' },
  {
    actor: 'an integration of a platform admin',
    viewer: { ...integrator, platformAdmin: true },
    sees: false,
    accept: 'FORBIDDEN',
    read: 'FORBIDDEN',
    operate: 'FORBIDDEN',
  },
  { actor: 'a platform operator', viewer: operator, sees: true, accept: 'FORBIDDEN', read: null, operate: null },
])('terms of association A for $actor', ({ viewer, sees, accept, read, operate }) => {
  it('are seen, accepted, read and administered as the access rules say', () => {
    expect(canSeeAssociationTerms(viewer, A)).toBe(sees);
    expect(codeOf(() => requireTermsAcceptor(viewer, A))).toBe(accept);
    expect(codeOf(() => requireTermsReader(viewer))).toBe(read);
    expect(codeOf(() => requireOperator(viewer))).toBe(operate);
  });
});
