import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { integratorOf, PLATFORM_ADMIN, viewerIn } from '../notifications.fixtures';
import { canSeeDeliveriesOf, canSeeFailedDeliveries, canSeeOwnDeliveries } from './deliveries.access';

const X = randomUUID();
const Y = randomUUID();
const recipient = viewerIn(X);
const notification = { associationId: X, memberId: recipient.memberId };
const invitation = { associationId: X, memberId: null };

// For a notification to a resident of association X, and one to an e-mail address there (an invitation).
const matrix: { actor: string; viewer: Viewer | null; own: boolean; failed: boolean; ofNotification: boolean; ofInvitation: boolean }[] = [
  { actor: 'anonymous', viewer: null, own: false, failed: false, ofNotification: false, ofInvitation: false },
  { actor: 'the recipient', viewer: recipient, own: true, failed: false, ofNotification: true, ofInvitation: false },
  { actor: 'a neighbour', viewer: viewerIn(X), own: true, failed: false, ofNotification: false, ofInvitation: false },
  { actor: 'an external of X', viewer: viewerIn(X, 'external'), own: true, failed: false, ofNotification: false, ofInvitation: false },
  { actor: 'the board of X', viewer: viewerIn(X, 'board'), own: true, failed: true, ofNotification: true, ofInvitation: true },
  { actor: 'the board of Y', viewer: viewerIn(Y, 'board'), own: false, failed: false, ofNotification: false, ofInvitation: false },
  { actor: 'a resident of Y', viewer: viewerIn(Y), own: false, failed: false, ofNotification: false, ofInvitation: false },
  { actor: 'an integration key of X', viewer: integratorOf(X), own: false, failed: false, ofNotification: false, ofInvitation: false },
  { actor: 'a platform admin', viewer: PLATFORM_ADMIN, own: false, failed: false, ofNotification: false, ofInvitation: false },
];

describe('deliveries access', () => {
  it.each(matrix)(
    '$actor: own $own, failed in X $failed, of the notification $ofNotification, of the invitation $ofInvitation',
    ({ viewer, own, failed, ofNotification, ofInvitation }) => {
      expect(canSeeOwnDeliveries(viewer, X)).toBe(own);
      expect(canSeeFailedDeliveries(viewer, X)).toBe(failed);
      expect(canSeeDeliveriesOf(viewer, notification)).toBe(ofNotification);
      expect(canSeeDeliveriesOf(viewer, invitation)).toBe(ofInvitation);
    },
  );
});
