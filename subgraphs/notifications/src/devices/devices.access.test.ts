import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { integratorOf, PLATFORM_ADMIN, viewerIn } from '../notifications.fixtures';
import { canManageOwnDevices } from './devices.access';

const X = randomUUID();
const Y = randomUUID();

const matrix: { actor: string; viewer: Viewer | null; allowed: boolean }[] = [
  { actor: 'anonymous', viewer: null, allowed: false },
  { actor: 'a resident of X', viewer: viewerIn(X), allowed: true },
  { actor: 'an external of X', viewer: viewerIn(X, 'external'), allowed: true },
  { actor: 'the board of X', viewer: viewerIn(X, 'board'), allowed: true },
  { actor: 'a resident of Y', viewer: viewerIn(Y), allowed: false },
  { actor: 'an integration key of X', viewer: integratorOf(X), allowed: false },
  { actor: 'a platform admin', viewer: PLATFORM_ADMIN, allowed: false },
];

describe('devices access', () => {
  it.each(matrix)('$actor: manages their own push devices in X $allowed', ({ viewer, allowed }) => {
    expect(canManageOwnDevices(viewer, X)).toBe(allowed);
  });
});
