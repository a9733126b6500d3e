import type { Viewer } from '@tunet/kit';
import { canAcceptConduct, canPublishConduct, canReadConduct } from './conduct.access';

const X = 'a0000000-0000-4000-8000-00000000000a';
const Y = 'a0000000-0000-4000-8000-00000000000b';

const member = (associationId: string, role: 'resident' | 'board' | 'external'): Viewer => ({
  accountId: 'e0000000-0000-4000-8000-000000000001',
  associationId,
  memberId: 'b0000000-0000-4000-8000-000000000001',
  role,
  platformAdmin: false,
  sessionId: null,
});

const integrator: Viewer = {
  accountId: 'e0000000-0000-4000-8000-000000000003',
  associationId: X,
  memberId: null,
  role: null,
  platformAdmin: false,
  sessionId: null,
  integration: { apiKeyId: 'e0000000-0000-4000-8000-000000000003', scopes: ['members:read'] },
};

const platformAdmin: Viewer = {
  accountId: 'e0000000-0000-4000-8000-000000000002',
  associationId: null,
  memberId: null,
  role: null,
  platformAdmin: true,
  sessionId: null,
};

// Association X's code of conduct. read: Query.codeOfConduct; accept: acceptCodeOfConduct; publish: publishCodeOfConduct.
const matrix: { actor: string; viewer: Viewer | null; read: boolean; accept: boolean; publish: boolean }[] = [
  { actor: 'anonymous', viewer: null, read: false, accept: false, publish: false },
  { actor: 'a resident of X', viewer: member(X, 'resident'), read: true, accept: true, publish: false },
  { actor: 'a board member of X', viewer: member(X, 'board'), read: true, accept: true, publish: true },
  { actor: 'an external (caretaker) of X', viewer: member(X, 'external'), read: true, accept: true, publish: false },
  { actor: 'a board member of another association', viewer: member(Y, 'board'), read: false, accept: false, publish: false },
  { actor: 'an integrator API key of X', viewer: integrator, read: false, accept: false, publish: false },
  { actor: 'a platform admin without membership', viewer: platformAdmin, read: false, accept: false, publish: false },
];

describe('code of conduct access', () => {
  it.each(matrix)('$actor: read $read, accept $accept, publish $publish', (row) => {
    expect(canReadConduct(row.viewer, X)).toBe(row.read);
    expect(canAcceptConduct(row.viewer, X)).toBe(row.accept);
    expect(canPublishConduct(row.viewer, X)).toBe(row.publish);
  });
});
