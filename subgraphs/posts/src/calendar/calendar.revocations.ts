import { EventSubscriber, type EventStream, type EventSubscriberOptions, type SubgraphDatabase } from '@tunet/kit';
import type { CalendarService } from './calendar.service';

/**
 * Ends the calendar feeds of members who move out or are suspended, from the members subgraph's events. The
 * posts subgraph's replicas share the consumer group `posts`, so each event is handled by one of them; a group has
 * one subscriber, so add topics here.
 */
export function calendarRevocations(
  stream: EventStream,
  db: SubgraphDatabase,
  calendar: CalendarService,
  options: Pick<EventSubscriberOptions, 'consumer' | 'blockMs' | 'logger'> = {},
): EventSubscriber {
  return new EventSubscriber({
    ...options,
    stream,
    db,
    group: 'posts',
    handlers: { 'member.moved_out': (event) => calendar.revoke(event), 'member.suspended': (event) => calendar.revoke(event) },
  });
}
