import type { Viewer } from '@tunet/kit';
import { viewerOf } from '../members.fixtures';
import { canManageApiKeys, requireApiKeyIssuer, requireApiKeyManager, requireApiKeyReader } from './api-keys.access';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const M = '11111111-1111-4111-8111-111111111111';
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
  { actor: 'anonymous', viewer: null, manages: false, code: 'UNAUTHENTICATED' },
  { actor: 'a resident', viewer: viewerOf(A, M, 'resident'), manages: false, code: 'FORBIDDEN' },
  { actor: 'the board', viewer: viewerOf(A, M, 'board'), manages: true, code: null },
  { actor: 'another association’s board', viewer: viewerOf(B, M, 'board'), manages: false, code: 'FORBIDDEN' },
  { actor: 'an integration, whatever its scopes', viewer: integrator, manages: false, code: 'FORBIDDEN' },
  { actor: 'a platform admin who is a member elsewhere', viewer: { ...viewerOf(B, M, 'resident'), platformAdmin: true }, manages: false, code: 'FORBIDDEN' },
  { actor: 'a platform operator', viewer: { ...viewerOf(B, null, null), associationId: null, platformAdmin: true }, manages: false, code: 'FORBIDDEN' },
  {
    actor: 'an operator in a support session there',
    viewer: { ...viewerOf(A, null, null), platformAdmin: true, support: { expiresAt: '2026-12-06T20:00:00.000Z' } },
    manages: true,
    code: null,
  },
])('API keys of association A for $actor', ({ viewer, manages, code }) => {
  it(manages ? 'may be listed' : 'are refused', () => {
    expect(canManageApiKeys(viewer, A)).toBe(manages);
    expect(codeOf(() => requireApiKeyReader(viewer, A))).toBe(code);
  });
});

describe('issuing and revoking keys', () => {
  it('acts in the board’s own association only', () => {
    expect(requireApiKeyManager(viewerOf(A, M, 'board'))).toBe(A);
    expect(codeOf(() => requireApiKeyManager(viewerOf(A, M, 'resident')))).toBe('FORBIDDEN');
    expect(codeOf(() => requireApiKeyManager(integrator))).toBe('FORBIDDEN');
    expect(codeOf(() => requireApiKeyManager(null))).toBe('UNAUTHENTICATED');
  });

  it('lets an operator in a support session revoke a key but not issue one, which would outlive the session unlogged', () => {
    const inSupport: Viewer = { ...viewerOf(A, null, null), platformAdmin: true, support: { expiresAt: '2026-12-06T20:00:00.000Z' } };
    expect(requireApiKeyManager(inSupport)).toBe(A);
    expect(codeOf(() => requireApiKeyIssuer(inSupport))).toBe('FORBIDDEN');
    expect(requireApiKeyIssuer(viewerOf(A, M, 'board'))).toBe(A);
    expect(codeOf(() => requireApiKeyIssuer(viewerOf(A, M, 'resident')))).toBe('FORBIDDEN');
    expect(codeOf(() => requireApiKeyIssuer(null))).toBe('UNAUTHENTICATED');
  });
});
