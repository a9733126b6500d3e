import type { Viewer } from '@tunet/kit';
import { viewerIn } from '../reservations.fixtures';
import { canManageResources, canReadResources } from './resources.access';

const X = 'a0000000-0000-4000-8000-00000000000a';
const Y = 'a0000000-0000-4000-8000-00000000000b';
const platformAdmin: Viewer = {
  accountId: 'e0000000-0000-4000-8000-000000000002',
  associationId: null,
  memberId: null,
  role: null,
  platformAdmin: true,
  sessionId: null,
};
const integrationOfX: Viewer = {
  accountId: 'e0000000-0000-4000-8000-000000000003',
  associationId: X,
  memberId: null,
  role: null,
  platformAdmin: false,
  sessionId: null,
  integration: { apiKeyId: 'e0000000-0000-4000-8000-000000000003', scopes: ['members:read', 'members:import'] },
};

// For association X's resources: read them and their availability, and administer them (create, update, archive,
// opening hours, closed periods, quotas, locations).
const matrix: { actor: string; viewer: Viewer | null; read: boolean; manage: boolean }[] = [
  { actor: 'anonymous', viewer: null, read: false, manage: false },
  { actor: 'resident of X', viewer: viewerIn(X, 'resident'), read: true, manage: false },
  { actor: 'board member of X', viewer: viewerIn(X, 'board'), read: true, manage: true },
  { actor: 'external of X', viewer: viewerIn(X, 'external'), read: true, manage: false },
  { actor: 'board member of another association', viewer: viewerIn(Y, 'board'), read: false, manage: false },
  { actor: 'resident of another association', viewer: viewerIn(Y, 'resident'), read: false, manage: false },
  { actor: 'platform admin without membership', viewer: platformAdmin, read: false, manage: false },
  { actor: 'integration key of X', viewer: integrationOfX, read: false, manage: false },
];

describe('resources access', () => {
  it.each(matrix)('$actor: read and see availability $read, administer $manage', ({ viewer, read, manage }) => {
    expect(canReadResources(viewer, X)).toBe(read);
    expect(canManageResources(viewer, X)).toBe(manage);
  });
});
