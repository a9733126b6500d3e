import type { Viewer } from '@tunet/kit';
import { canHaveBookingsCalendar } from './calendar.access';

const X = 'a0000000-0000-4000-8000-00000000000a';
const Y = 'a0000000-0000-4000-8000-00000000000b';

const member = (associationId: string, role: 'resident' | 'board' | 'external'): Viewer => ({
  accountId: 'e0000000-0000-4000-8000-000000000001',
  associationId,
  memberId: 'b0000000-0000-4000-8000-000000000001',
  role,
  platformAdmin: false,
  sessionId: null,
  scope: { unitIds: [], buildingIds: [], committeeIds: [] },
});

const integrator: Viewer = {
  accountId: 'e0000000-0000-4000-8000-000000000003',
  associationId: X,
  memberId: null,
  role: null,
  platformAdmin: false,
  sessionId: null,
  integration: { apiKeyId: 'e0000000-0000-4000-8000-000000000003', scopes: ['members:read', 'members:import'] },
};

const platformAdmin: Viewer = {
  accountId: 'e0000000-0000-4000-8000-000000000002',
  associationId: null,
  memberId: null,
  role: null,
  platformAdmin: true,
  sessionId: null,
};

// myBookingsCalendar, resourceCalendar and resetBookingsCalendar for association X. The feed URL itself (the
// public route) is opened without a viewer; what it shows is covered by the integration tests.
const matrix: { actor: string; viewer: Viewer | null; feed: boolean }[] = [
  { actor: 'anonymous', viewer: null, feed: false },
  { actor: 'resident of X', viewer: member(X, 'resident'), feed: true },
  { actor: 'board member of X', viewer: member(X, 'board'), feed: true },
  { actor: 'external (caretaker) of X', viewer: member(X, 'external'), feed: true },
  { actor: 'board member of another association', viewer: member(Y, 'board'), feed: false },
  { actor: 'resident of another association', viewer: member(Y, 'resident'), feed: false },
  { actor: 'integration key of X', viewer: integrator, feed: false },
  { actor: 'platform admin without membership', viewer: platformAdmin, feed: false },
];

describe('bookings calendar access', () => {
  it.each(matrix)('$actor: feeds $feed', ({ viewer, feed }) => {
    expect(canHaveBookingsCalendar(viewer, X)).toBe(feed);
  });
});
