import { EventSubscriber, payloadOf, type EventStream, type EventSubscriberOptions, type SubgraphDatabase } from '@tunet/kit';
import type { SubscriptionsService } from './subscriptions.service';

/**
 * Ends the add-ons of associations whose agreement ended, from members' `association.terminated`: without it the
 * sweeps would renew and invoice them every period for ever. Billing's replicas share the consumer group `billing`,
 * so each event is handled by one of them; a group has one subscriber, so add topics here.
 */
export function associationTerminations(
  stream: EventStream,
  db: SubgraphDatabase,
  subscriptions: Pick<SubscriptionsService, 'endForTerminatedAssociation'>,
  options: Pick<EventSubscriberOptions, 'consumer' | 'blockMs' | 'logger'> = {},
): EventSubscriber {
  return new EventSubscriber({
    ...options,
    stream,
    db,
    group: 'billing',
    handlers: {
      'association.terminated': (event) =>
        subscriptions.endForTerminatedAssociation(event.associationId, payloadOf(event, 'association.terminated').terminationId),
    },
  });
}
