import type { SubgraphDatabase } from '@tunet/kit';
import { and, count, eq, isNull } from 'drizzle-orm';
import { notifications, type NotificationRow } from '../tables';

/** What one stream event shows: the new notification, if any, and the unread count after the change. */
export interface InboxSnapshot {
  notification: NotificationRow | null;
  unreadCount: number;
}

/** The live stream's reads of the inbox. Every call names its tenant. */
export class LiveRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * The member's unread count and, when `notificationId` is given, that notification if their inbox shows it (their
   * own, shown, not archived), read together so the two agree.
   */
  snapshot(tenant: string, memberId: string, notificationId: string | null): Promise<InboxSnapshot> {
    const inbox = and(
      eq(notifications.associationId, tenant),
      eq(notifications.memberId, memberId),
      eq(notifications.shown, true),
      isNull(notifications.archivedAt),
    );
    return this.db.tenant(tenant, async (tx) => {
      const [unread] = await tx
        .select({ count: count() })
        .from(notifications)
        .where(and(inbox, isNull(notifications.readAt)));
      const [notification] = notificationId
        ? await tx
            .select()
            .from(notifications)
            .where(and(inbox, eq(notifications.id, notificationId)))
        : [];
      return { notification: notification ?? null, unreadCount: unread?.count ?? 0 };
    });
  }
}
