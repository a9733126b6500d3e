import { isMember, type Viewer } from '@tunet/kit';

/** Who may do what with inboxes. Pure functions: no I/O, easy to test as a matrix. */

/**
 * Only members have an inbox, each their own in the association they act in. An integration key never reads one
 * (an inbox is personal, whatever scopes the key holds), nor does a platform admin without a membership.
 */
export function hasInbox(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId;
}

type Owned = { associationId: string; memberId: string | null };

/** A notification is read, marked and archived by its recipient alone. */
export function ownsNotification(viewer: Viewer | null, notification: Owned): boolean {
  return hasInbox(viewer, notification.associationId) && notification.memberId !== null && viewer?.memberId === notification.memberId;
}
