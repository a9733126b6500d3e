import { randomUUID } from 'node:crypto';
import { integratorOf, PLATFORM_ADMIN, viewerIn } from '../notifications.fixtures';
import { mayStreamInbox } from './live.access';

const A = randomUUID();

describe('who may stream an inbox', () => {
  it.each([
    ['a resident', viewerIn(A), true],
    ['a board member', viewerIn(A, 'board'), true],
    ['an external such as the caretaker', viewerIn(A, 'external'), true],
    ['a platform admin who is a member', { ...viewerIn(A), platformAdmin: true }, true],
    ['nobody', null, false],
    ['an integration', integratorOf(A), false],
    ['a platform admin without a membership', PLATFORM_ADMIN, false],
  ])('%s: %s', (_who, viewer, allowed) => {
    expect(mayStreamInbox(viewer)).toBe(allowed);
  });
});
