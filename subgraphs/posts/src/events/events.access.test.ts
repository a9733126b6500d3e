import type { Viewer } from '@tunet/kit';
import { canManageEvents, canReadEvents, canSeeAllSignups, canSignUpForEvents } from './events.access';

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

const platformAdmin: Viewer = {
  accountId: 'e0000000-0000-4000-8000-000000000002',
  associationId: null,
  memberId: null,
  role: null,
  platformAdmin: true,
  sessionId: null,
};

const integration: Viewer = {
  accountId: 'e0000000-0000-4000-8000-000000000003',
  associationId: X,
  memberId: null,
  role: null,
  platformAdmin: false,
  sessionId: null,
  integration: { apiKeyId: 'e0000000-0000-4000-8000-000000000003', scopes: ['members:read'] },
};

// For association X's events: create and cancel (manage), read, sign up, and see everyone's sign-ups.
const matrix: { actor: string; viewer: Viewer | null; manage: boolean; read: boolean; signUp: boolean }[] = [
  { actor: 'anonymous', viewer: null, manage: false, read: false, signUp: false },
  { actor: 'resident of X', viewer: member(X, 'resident'), manage: false, read: true, signUp: true },
  { actor: 'board member of X', viewer: member(X, 'board'), manage: true, read: true, signUp: true },
  { actor: 'external of X', viewer: member(X, 'external'), manage: false, read: true, signUp: false },
  { actor: 'board member of another association', viewer: member(Y, 'board'), manage: false, read: false, signUp: false },
  { actor: 'resident of another association', viewer: member(Y, 'resident'), manage: false, read: false, signUp: false },
  { actor: 'platform admin without membership', viewer: platformAdmin, manage: false, read: false, signUp: false },
  { actor: 'integration key of X', viewer: integration, manage: false, read: false, signUp: false },
];

describe('events access', () => {
  it.each(matrix)('$actor: create/cancel event $manage, read $read, sign up $signUp', ({ viewer, manage, read, signUp }) => {
    expect(canManageEvents(viewer, X)).toBe(manage);
    expect(canReadEvents(viewer, X)).toBe(read);
    expect(canSignUpForEvents(viewer, X)).toBe(signUp);
    // Only those who arrange the event see who else comes.
    expect(canSeeAllSignups(viewer, X)).toBe(manage);
  });
});
