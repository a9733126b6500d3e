import type DataLoader from 'dataloader';
import { tenantLoader, type Viewer } from '@tunet/kit';
import { hasInbox } from './inbox.access';
import type { InboxRepository, NotificationRow } from './inbox.repository';

/** The inbox's per-request loaders. */
export interface InboxLoaders {
  /** The viewer's own notifications that their inbox or archive shows; anyone else's id loads as null. */
  ownNotificationById: DataLoader<string, NotificationRow | null>;
  /**
   * Any notification of the viewer's association: only for the notification of a delivery the viewer was already
   * allowed to see (their own, or the board's failed deliveries), never for an id a client names.
   */
  notificationById: DataLoader<string, NotificationRow | null>;
}

/** Per-request loaders; a viewer without an inbox (anonymous, an integration, a platform admin) finds nothing. */
export function createInboxLoaders(repository: InboxRepository, viewer: Viewer | null): InboxLoaders {
  const member = viewer?.associationId && hasInbox(viewer, viewer.associationId) ? viewer : null;
  const memberId = member?.memberId ?? '';
  return {
    ownNotificationById: tenantLoader(member, (tenant, ids) => repository.findOwn(tenant, memberId, ids)),
    notificationById: tenantLoader(member, (tenant, ids) => repository.findNotifications(tenant, ids)),
  };
}
