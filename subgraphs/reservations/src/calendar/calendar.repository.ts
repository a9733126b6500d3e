import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { bookings, resources, type TimeRange } from '../tables';

/** What a feed shows of one booking: the booking and the resource it holds. */
export interface FeedBooking {
  id: string;
  resourceName: string;
  during: TimeRange;
  status: 'pending' | 'confirmed';
  comment: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

/** The resource a resource feed is about. */
export interface FeedResource {
  id: string;
  name: string;
  timeZone: string;
}

/**
 * What a bookings calendar feed shows: bookings and the resources they hold. The feeds themselves (tokens,
 * revocation) are the kit's CalendarFeeds. Every call names its tenant.
 */
export class CalendarRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  async findResource(tenant: string, resourceId: string): Promise<FeedResource | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ id: resources.id, name: resources.name, timeZone: resources.timeZone })
        .from(resources)
        .where(and(eq(resources.associationId, tenant), eq(resources.id, resourceId))),
    );
    return row ?? null;
  }

  /**
   * The association's time zone as reservations knows it: the zone most of its resources are in (their slots and
   * opening hours are wall-clock times there); null while it has none.
   */
  async timeZoneOf(tenant: string): Promise<string | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ timeZone: resources.timeZone })
        .from(resources)
        .where(eq(resources.associationId, tenant))
        .groupBy(resources.timeZone)
        .orderBy(desc(count()), asc(resources.timeZone))
        .limit(1),
    );
    return row?.timeZone ?? null;
  }

  /** The member's live bookings ending after `since`, soonest first (bookings_by_booker). */
  bookingsOfMember(tenant: string, memberId: string, since: Date, limit: number): Promise<FeedBooking[]> {
    return this.db.tenant(tenant, (tx) => liveBookings(tx, tenant, eq(bookings.bookerMemberId, memberId), since, limit));
  }

  /** The resource's live bookings ending after `since`, soonest first (bookings_by_resource). */
  bookingsOfResource(tenant: string, resourceId: string, since: Date, limit: number): Promise<FeedBooking[]> {
    return this.db.tenant(tenant, (tx) => liveBookings(tx, tenant, eq(bookings.resourceId, resourceId), since, limit));
  }
}

async function liveBookings(tx: Tx, tenant: string, whose: SQL, since: Date, limit: number): Promise<FeedBooking[]> {
  const rows = await tx
    .select({
      id: bookings.id,
      resourceName: resources.name,
      during: bookings.during,
      status: bookings.status,
      comment: bookings.comment,
      createdAt: bookings.createdAt,
      decidedAt: bookings.decidedAt,
    })
    .from(bookings)
    .innerJoin(resources, and(eq(resources.associationId, bookings.associationId), eq(resources.id, bookings.resourceId)))
    .where(
      and(
        eq(bookings.associationId, tenant),
        whose,
        inArray(bookings.status, ['pending', 'confirmed']),
        sql`upper(${bookings.during}) > ${since.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(sql`lower(${bookings.during})`, asc(bookings.id))
    .limit(limit);
  return rows as FeedBooking[];
}
