import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { integratorOf, PLATFORM_ADMIN, viewerIn } from '../notifications.fixtures';
import { hasInbox, ownsNotification } from './inbox.access';

const X = randomUUID();
const Y = randomUUID();
const owner = viewerIn(X);
const notification = { associationId: X, memberId: owner.memberId };
const invitation = { associationId: X, memberId: null };

// For a notification to a resident of association X.
const matrix: { actor: string; viewer: Viewer | null; inbox: boolean; owns: boolean }[] = [
  { actor: 'anonymous', viewer: null, inbox: false, owns: false },
  { actor: 'the recipient', viewer: owner, inbox: true, owns: true },
  { actor: 'a neighbour', viewer: viewerIn(X), inbox: true, owns: false },
  { actor: 'an external of X', viewer: viewerIn(X, 'external'), inbox: true, owns: false },
  { actor: 'the board of X', viewer: viewerIn(X, 'board'), inbox: true, owns: false },
  { actor: 'the recipient, acting in Y', viewer: { ...owner, associationId: Y }, inbox: false, owns: false },
  { actor: 'the board of Y', viewer: viewerIn(Y, 'board'), inbox: false, owns: false },
  { actor: 'an integration key of X', viewer: integratorOf(X), inbox: false, owns: false },
  { actor: 'a platform admin', viewer: PLATFORM_ADMIN, inbox: false, owns: false },
];

describe('inbox access', () => {
  it.each(matrix)('$actor: has an inbox in X $inbox, owns the notification $owns', ({ viewer, inbox, owns }) => {
    expect(hasInbox(viewer, X)).toBe(inbox);
    expect(ownsNotification(viewer, notification)).toBe(owns);
    // A notification to an e-mail address is nobody's inbox item.
    expect(ownsNotification(viewer, invitation)).toBe(false);
  });
});
