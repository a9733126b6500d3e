import type { Viewer } from '@tunet/kit';
import { ASSOCIATION_X as X, ASSOCIATION_Y as Y, integratorOf, memberOf, PLATFORM_ADMIN } from '../posts.fixtures';
import { canManageEvents, canReadEvents, canSeeAllSignups, canSignUpForEvents } from './events.access';

// For association X's events: create and cancel (manage), read, sign up, and see everyone's sign-ups.
const matrix: { actor: string; viewer: Viewer | null; manage: boolean; read: boolean; signUp: boolean }[] = [
  { actor: 'anonymous', viewer: null, manage: false, read: false, signUp: false },
  { actor: 'resident of X', viewer: memberOf(X, 'resident'), manage: false, read: true, signUp: true },
  { actor: 'board member of X', viewer: memberOf(X, 'board'), manage: true, read: true, signUp: true },
  { actor: 'external of X', viewer: memberOf(X, 'external'), manage: false, read: true, signUp: false },
  { actor: 'board member of another association', viewer: memberOf(Y, 'board'), manage: false, read: false, signUp: false },
  { actor: 'resident of another association', viewer: memberOf(Y, 'resident'), manage: false, read: false, signUp: false },
  { actor: 'platform admin without membership', viewer: PLATFORM_ADMIN, manage: false, read: false, signUp: false },
  { actor: 'integration key of X', viewer: integratorOf(X), manage: false, read: false, signUp: false },
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
