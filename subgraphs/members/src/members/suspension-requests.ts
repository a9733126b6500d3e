import { EventSubscriber, type EventStream, type EventSubscriberOptions, type SubgraphDatabase } from '@tunet/kit';
import type { MembersService } from './members.service';

/** Posts' moderation asks for the author of removed content to be suspended; posts may not touch members' tables. */
export const SUSPENSION_REQUESTED = 'moderation.suspension_requested';

/**
 * Suspends members whom the board suspended while moderating (`moderation.suspension_requested`). The members
 * subgraph's replicas share the consumer group `members`, so each request is handled by one of them; a group has
 * one subscriber, so add topics here.
 */
export function suspensionRequests(
  stream: EventStream,
  db: SubgraphDatabase,
  members: MembersService,
  options: Pick<EventSubscriberOptions, 'consumer' | 'blockMs' | 'logger'> = {},
): EventSubscriber {
  return new EventSubscriber({
    ...options,
    stream,
    db,
    group: 'members',
    handlers: { [SUSPENSION_REQUESTED]: (event) => members.suspendAsRequested(event.associationId, event.payload) },
  });
}
