import { EventSubscriber, type Event, type EventHandlers, type EventStream, type EventSubscriberOptions, type SubgraphDatabase } from '@tunet/kit';
import type { TunetTopic } from '@tunet/events';
import type { ClosuresRepository } from '../closures/closures.repository';

/** The consumer group every notifications replica shares, so each event is handled by one of them. */
export const NOTIFICATIONS_GROUP = 'notifications';

export type NotificationEventsOptions = Pick<EventSubscriberOptions, 'consumer' | 'blockMs' | 'claimIdleMs' | 'batchSize' | 'retryDelayMs' | 'logger'>;

/**
 * Hears of what happened in the other subgraphs through the event stream and hands each event of `topics` to the
 * ingest, and `association.terminated` to the closures when given. An event is acknowledged only once the ingest has
 * stored what it means (or it is set aside as a dead letter), so a replica that dies on the way leaves it pending,
 * and its restart (or a peer, once the event is idle) handles it again; the ingest's unique keys make that second
 * run store nothing new. A group has one subscriber: add topics here.
 */
export function notificationEvents(
  stream: EventStream,
  db: SubgraphDatabase,
  ingest: { handle(event: Event): Promise<unknown> },
  topics: readonly TunetTopic[],
  options: NotificationEventsOptions = {},
  closures?: Pick<ClosuresRepository, 'close'>,
): EventSubscriber {
  const handlers: EventHandlers = Object.fromEntries(topics.map((topic) => [topic, (event: Event) => ingest.handle(event)]));
  if (closures) {
    // Closing twice changes nothing, so a redelivered event is harmless.
    handlers['association.terminated'] = ({ associationId, payload }) =>
      closures.close(associationId, { terminationId: payload.terminationId, terminatedOn: payload.terminatedOn });
  }
  return new EventSubscriber({ ...options, stream, db, group: NOTIFICATIONS_GROUP, handlers });
}
