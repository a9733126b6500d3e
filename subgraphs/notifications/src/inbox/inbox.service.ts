import { admitMember, createLogger, decodeCursor, isUuid, notFound, pageSize, toPage, type MemberViewer, type Page, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import type { Category, InboxFeed } from '../model';
import { hasInbox } from './inbox.access';
import type { InboxLoaders } from './inbox.loaders';
import type { InboxFilter, InboxRepository, ListPosition, NotificationRow } from './inbox.repository';

const logger = createLogger('notifications-inbox');

/**
 * Cursors are [exact instant, id]. Year 0 passes the ISO check but not PostgreSQL's cast, so it is refused here,
 * where a forged cursor is the client's error rather than a failed statement.
 */
const cursorKey = z.tuple([z.iso.datetime({ precision: 6 }).refine((at) => !at.startsWith('0000')), z.guid()]);

/** Decodes an `after` argument into a position in a newest-first list; BAD_USER_INPUT (field `after`) when forged. */
export function positionAfter(cursor: string): ListPosition {
  const [at, id] = decodeCursor(cursor, cursorKey);
  return { at, id };
}

/** A page of the inbox; `totalCount` counts the list's notifications over every page, only when a client asks. */
export type InboxPage = Page<NotificationRow> & { totalCount: () => Promise<number> };

/** An empty page, for a filter that can match nothing. */
const EMPTY_PAGE: InboxPage = { nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: () => Promise.resolve(0) };

/** What the `notifications` query takes; GraphQL defaults apply only over HTTP, so each may be missing. */
export interface InboxListOptions {
  first?: number | null;
  after?: string | null;
  filter?: { unreadOnly?: boolean | null; archived?: boolean | null; categories?: readonly Category[] | null } | null;
}

/** The viewer's inbox: listing, counting, reading and archiving their own notifications. */
export class InboxService {
  /** `feed` tells the member's other open clients that their unread count changed; null where there is no live feed. */
  constructor(
    private readonly repository: InboxRepository,
    private readonly feed: Pick<InboxFeed, 'publish'> | null,
  ) {}

  /** A page of the viewer's inbox (or archive), newest first. */
  async notifications(viewer: Viewer | null, options: InboxListOptions): Promise<InboxPage> {
    const member = admitMember(viewer, hasInbox);
    const size = pageSize(options.first);
    const after = options.after ? positionAfter(options.after) : null;
    const filter: InboxFilter = {
      archived: options.filter?.archived ?? false,
      unreadOnly: options.filter?.unreadOnly ?? false,
      categories: options.filter?.categories ?? null,
    };
    if (filter.categories?.length === 0) return EMPTY_PAGE;
    const rows = await this.repository.list(member.associationId, member.memberId, filter, size + 1, after);
    const totalCount = () => this.repository.count(member.associationId, member.memberId, filter);
    return { ...toPage(rows, size, (row) => [row.position, row.id]), totalCount };
  }

  /** One of the viewer's notifications; NOT_FOUND for anyone else's. */
  async notification(viewer: Viewer | null, loaders: InboxLoaders, id: string): Promise<NotificationRow> {
    admitMember(viewer, hasInbox);
    const notification = await loaders.ownNotificationById.load(id);
    if (!notification) throw notFound('Notification');
    return notification;
  }

  /** How many notifications in the viewer's inbox are unread. */
  unreadCount(viewer: Viewer | null): Promise<number> {
    const member = admitMember(viewer, hasInbox);
    return this.repository.unreadCount(member.associationId, member.memberId);
  }

  /** Marks one of the viewer's notifications read; NOT_FOUND for anyone else's. */
  async markRead(viewer: Viewer | null, loaders: InboxLoaders, id: string): Promise<{ notification: NotificationRow; unreadCount: number }> {
    const member = admitMember(viewer, hasInbox);
    const marked = isUuid(id) ? await this.repository.markRead(member.associationId, member.memberId, id) : null;
    if (!marked) throw notFound('Notification');
    loaders.ownNotificationById.clear(id).prime(id, marked.notification);
    if (marked.changed) await this.announce(member);
    return { notification: marked.notification, unreadCount: marked.unreadCount };
  }

  /** Moves one of the viewer's notifications to the archive, read; NOT_FOUND for anyone else's. */
  async archive(viewer: Viewer | null, loaders: InboxLoaders, id: string): Promise<{ notification: NotificationRow; unreadCount: number }> {
    const member = admitMember(viewer, hasInbox);
    const archived = isUuid(id) ? await this.repository.archive(member.associationId, member.memberId, id) : null;
    if (!archived) throw notFound('Notification');
    loaders.ownNotificationById.clear(id).prime(id, archived.notification);
    if (archived.changed) await this.announce(member);
    return { notification: archived.notification, unreadCount: archived.unreadCount };
  }

  /** Marks everything in the viewer's inbox read. */
  async markAllRead(viewer: Viewer | null): Promise<{ markedCount: number; unreadCount: number }> {
    const member = admitMember(viewer, hasInbox);
    const { marked, unreadCount } = await this.repository.markAllRead(member.associationId, member.memberId);
    if (marked > 0) await this.announce(member);
    return { markedCount: marked, unreadCount };
  }

  /**
   * The change is committed whatever the feed does: a client that misses the update shows a stale badge until it
   * next fetches the count, which is no reason to fail the mutation the person made.
   */
  private async announce(member: MemberViewer): Promise<void> {
    if (!this.feed) return;
    try {
      await this.feed.publish(member.associationId, member.memberId, { notificationId: null });
    } catch (error) {
      logger.warn({ err: error, associationId: member.associationId }, 'inbox update not published');
    }
  }
}
