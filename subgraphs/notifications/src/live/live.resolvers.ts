import type { RequestContext } from '@tunet/kit';
import type { NotificationRow } from '../tables';
import type { InboxSnapshot } from './live.repository';
import type { LiveService } from './live.service';

/** What the stream schema's resolvers receive: the signed request and the live service. */
export type LiveContext = RequestContext & { live: LiveService };

/** The stream schema's version, answered by `streamVersion`. */
export const STREAM_VERSION = '1';

/**
 * Resolvers of stream.graphql (not part of the supergraph, so not in the generated types). Fields not listed
 * resolve to the row's property of the same name.
 */
export const liveResolvers = {
  Query: {
    streamVersion: () => STREAM_VERSION,
  },
  Subscription: {
    inboxUpdated: {
      subscribe: (_root: unknown, _args: unknown, ctx: LiveContext) => ctx.live.inboxUpdates(ctx.viewer),
      resolve: (snapshot: InboxSnapshot) => snapshot,
    },
  },
  Notification: {
    category: (row: NotificationRow) => row.category.toUpperCase(),
  },
};
