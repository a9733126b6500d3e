import type { SubgraphDatabase } from '@tunet/kit';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { EventRow } from '../events/events.repository';
import { events } from '../tables';

/**
 * What a calendar feed shows: the association's events. The feeds themselves (tokens, revocation) are the kit's
 * CalendarFeeds. Every call names its tenant.
 */
export class CalendarRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * The association's events that end after `since`, soonest first, at most `limit` of them: events_upcoming
   * gives the order, and an association's few ended events are read and dropped on the way.
   */
  eventsEndingAfter(tenant: string, since: Date, limit: number): Promise<EventRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(events)
        .where(and(eq(events.associationId, tenant), gt(events.endsAt, since)))
        .orderBy(asc(events.startsAt), asc(events.id))
        .limit(limit),
    );
  }
}
