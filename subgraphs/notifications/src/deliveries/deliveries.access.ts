import type { Viewer } from '@tunet/kit';
import { hasInbox, ownsNotification } from '../inbox/inbox.access';

/** Who may see which deliveries. Pure functions: no I/O, easy to test as a matrix. */

/** Every member sees how their own notifications went out, failures included, so they can fix an address. */
export function canSeeOwnDeliveries(viewer: Viewer | null, associationId: string): boolean {
  return hasInbox(viewer, associationId);
}

/**
 * The board sees the association's failed and bounced deliveries with the provider's reason: it keeps the member
 * register whose addresses bounce, and answers when a neighbour says they never got the notice.
 */
export function canSeeFailedDeliveries(viewer: Viewer | null, associationId: string): boolean {
  return hasInbox(viewer, associationId) && viewer?.role === 'board';
}

/** A notification's deliveries are its recipient's and, as above, the board's. */
export function canSeeDeliveriesOf(viewer: Viewer | null, notification: { associationId: string; memberId: string | null }): boolean {
  return ownsNotification(viewer, notification) || canSeeFailedDeliveries(viewer, notification.associationId);
}
