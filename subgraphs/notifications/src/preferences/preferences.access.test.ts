import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { integratorOf, PLATFORM_ADMIN, viewerIn } from '../notifications.fixtures';
import { canManageOwnPreferences } from './preferences.access';

const X = randomUUID();
const Y = randomUUID();

const matrix: { actor: string; viewer: Viewer | null; allowed: boolean }[] = [
  { actor: 'anonymous', viewer: null, allowed: false },
  { actor: 'a resident of X', viewer: viewerIn(X), allowed: true },
  { actor: 'an external of X', viewer: viewerIn(X, 'external'), allowed: true },
  { actor: 'the board of X', viewer: viewerIn(X, 'board'), allowed: true },
  { actor: 'the board of Y', viewer: viewerIn(Y, 'board'), allowed: false },
  { actor: 'an integration key of X', viewer: integratorOf(X), allowed: false },
  { actor: 'a platform admin', viewer: PLATFORM_ADMIN, allowed: false },
];

describe('preferences access', () => {
  it.each(matrix)('$actor: manages their own preferences in X $allowed', ({ viewer, allowed }) => {
    expect(canManageOwnPreferences(viewer, X)).toBe(allowed);
  });
});
