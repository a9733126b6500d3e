import type { Resolvers } from '../__generated__/resolvers-types';
import { ownsNotification } from './inbox.access';

/** The inbox's queries and mutations, and the Notification entity. */
export const inboxResolvers: Resolvers = {
  Query: {
    notifications: (_root, { first, after, filter }, ctx) =>
      ctx.inbox.notifications(ctx.viewer, {
        first,
        after,
        filter: filter && { unreadOnly: filter.unreadOnly, archived: filter.archived, categories: filter.categories },
      }),
    notification: (_root, { id }, ctx) => ctx.inbox.notification(ctx.viewer, ctx.inboxLoaders, id),
    unreadNotificationCount: (_root, _args, ctx) => ctx.inbox.unreadCount(ctx.viewer),
  },
  Mutation: {
    markNotificationRead: (_root, { input }, ctx) => ctx.inbox.markRead(ctx.viewer, ctx.inboxLoaders, input.id),
    markAllNotificationsRead: (_root, _args, ctx) => ctx.inbox.markAllRead(ctx.viewer),
    archiveNotification: (_root, { input }, ctx) => ctx.inbox.archive(ctx.viewer, ctx.inboxLoaders, input.id),
  },
  NotificationConnection: {
    totalCount: (page) => page.totalCount(),
  },
  Notification: {
    // Another member's or association's id resolves to null: the gateway learns nothing about it.
    __resolveReference: (ref, ctx) => ctx.inboxLoaders.ownNotificationById.load(ref.id),
    // The board reaches other people's notifications through failed deliveries; when they read them is theirs.
    readAt: (notification, _args, ctx) => (ownsNotification(ctx.viewer, notification) ? notification.readAt : null),
    archivedAt: (notification, _args, ctx) => (ownsNotification(ctx.viewer, notification) ? notification.archivedAt : null),
    deliveries: (notification, _args, ctx) => ctx.deliveries.deliveriesOf(ctx.viewer, ctx.deliveryLoaders, notification),
  },
};
