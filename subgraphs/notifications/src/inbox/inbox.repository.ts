import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { and, count, desc, eq, getTableColumns, inArray, isNull, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Category } from '../model';
import { notifications, type NotificationRow } from '../tables';

export type { NotificationRow };

/**
 * An instant as ISO 8601 with all six fraction digits PostgreSQL keeps. A cursor made from a JavaScript Date would
 * lose the microseconds, and the next page would skip rows created within the same millisecond.
 */
export function exactInstant(column: AnyColumn): SQL<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** A listed row with its exact place in the list, for the cursor. */
export type Positioned<T> = T & { position: string };

/** Keyset position in a list ordered newest first: the exact instant and the id of the last row seen. */
export type ListPosition = { at: string; id: string };

/** Which of a member's notifications to list. */
export interface InboxFilter {
  archived: boolean;
  unreadOnly: boolean;
  /** Null for every category. */
  categories: readonly Category[] | null;
}

/** What marking one notification did: the row afterwards, whether it changed, and the member's unread count. */
export interface Marked {
  notification: NotificationRow;
  changed: boolean;
  unreadCount: number;
}

/** A member's notifications that their inbox or archive shows: rows that only carry an e-mail or push are not. */
function shownTo(tenant: string, memberId: string): SQL {
  return and(eq(notifications.associationId, tenant), eq(notifications.memberId, memberId), eq(notifications.shown, true))!;
}

/** The notifications a list of the inbox or archive holds with its filter, on every page. */
function listed(tenant: string, memberId: string, filter: InboxFilter): SQL {
  return and(
    shownTo(tenant, memberId),
    sql`(${notifications.archivedAt} is not null) = ${filter.archived}`,
    filter.unreadOnly ? isNull(notifications.readAt) : undefined,
    filter.categories ? inArray(notifications.category, [...filter.categories]) : undefined,
  )!;
}

/** The rows unreadNotificationCount counts, as the notifications_unread index is defined. */
function unreadOf(tenant: string, memberId: string): SQL {
  return and(shownTo(tenant, memberId), isNull(notifications.readAt), isNull(notifications.archivedAt))!;
}

async function unreadCountIn(tx: Tx, tenant: string, memberId: string): Promise<number> {
  const [row] = await tx.select({ count: count() }).from(notifications).where(unreadOf(tenant, memberId));
  return row?.count ?? 0;
}

/** The only code that reads or writes notifications for the inbox. Every call names its tenant. */
export class InboxRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** The member's shown notifications among `ids`, in one statement. */
  findOwn(tenant: string, memberId: string, ids: readonly string[]): Promise<NotificationRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(notifications)
        .where(and(shownTo(tenant, memberId), inArray(notifications.id, [...ids]))),
    );
  }

  /** Any of the association's notifications among `ids`, for deliveries the viewer has already been allowed to see. */
  findNotifications(tenant: string, ids: readonly string[]): Promise<NotificationRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(notifications)
        .where(and(eq(notifications.associationId, tenant), inArray(notifications.id, [...ids]))),
    );
  }

  /** How many notifications the member's inbox or archive holds with the filter, over every page. */
  async count(tenant: string, memberId: string, filter: InboxFilter): Promise<number> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ count: count() })
        .from(notifications)
        .where(listed(tenant, memberId, filter)),
    );
    return row?.count ?? 0;
  }

  /**
   * One page of the member's inbox or archive, newest first; fetch `limit + 1` to learn whether another page
   * follows. Served by notifications_inbox; the row comparison lets PostgreSQL start the index scan at the cursor.
   */
  list(tenant: string, memberId: string, filter: InboxFilter, limit: number, after: ListPosition | null): Promise<Positioned<NotificationRow>[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select({ ...getTableColumns(notifications), position: exactInstant(notifications.createdAt) })
        .from(notifications)
        .where(
          and(
            listed(tenant, memberId, filter),
            after ? sql`(${notifications.createdAt}, ${notifications.id}) < (${after.at}::timestamptz, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(desc(notifications.createdAt), desc(notifications.id))
        .limit(limit),
    );
  }

  /** How many notifications in the member's inbox are unread. */
  unreadCount(tenant: string, memberId: string): Promise<number> {
    return this.db.tenant(tenant, (tx) => unreadCountIn(tx, tenant, memberId));
  }

  /** Marks one of the member's notifications read; null when it is not theirs (or not shown to them). */
  markRead(tenant: string, memberId: string, id: string): Promise<Marked | null> {
    return this.mark(tenant, memberId, id, (row) => (row.readAt ? null : { readAt: sql`now()` }));
  }

  /** Moves one of the member's notifications to the archive, marking it read; null when it is not theirs. */
  archive(tenant: string, memberId: string, id: string): Promise<Marked | null> {
    return this.mark(tenant, memberId, id, (row) =>
      row.archivedAt ? null : { archivedAt: sql`now()`, readAt: sql`coalesce(${notifications.readAt}, now())` },
    );
  }

  /** Marks every unread notification in the member's inbox read; how many it marked, and the count afterwards. */
  markAllRead(tenant: string, memberId: string): Promise<{ marked: number; unreadCount: number }> {
    return this.db.tenant(tenant, async (tx) => {
      const marked = await tx
        .update(notifications)
        .set({ readAt: sql`now()` })
        .where(unreadOf(tenant, memberId))
        .returning({ id: notifications.id });
      return { marked: marked.length, unreadCount: await unreadCountIn(tx, tenant, memberId) };
    });
  }

  /**
   * Locks the row, applies what `change` asks (nothing when it returns null) and counts the unread afterwards, in
   * one transaction, so the count returned is the one this change left.
   */
  private mark(
    tenant: string,
    memberId: string,
    id: string,
    change: (row: NotificationRow) => Partial<Record<'readAt' | 'archivedAt', SQL>> | null,
  ): Promise<Marked | null> {
    return this.db.tenant(tenant, async (tx) => {
      const [current] = await tx
        .select()
        .from(notifications)
        .where(and(shownTo(tenant, memberId), eq(notifications.id, id)))
        .for('update');
      if (!current) return null;
      const set = change(current);
      const [updated] = set
        ? await tx
            .update(notifications)
            .set(set)
            .where(and(eq(notifications.associationId, tenant), eq(notifications.id, id)))
            .returning()
        : [current];
      return { notification: updated!, changed: set !== null, unreadCount: await unreadCountIn(tx, tenant, memberId) };
    });
  }
}
