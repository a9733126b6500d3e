import { randomUUID } from 'node:crypto';
import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { and, asc, eq, gt, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { bookings, calendarFeeds, resources, type TimeRange } from '../tables';

export type FeedRow = typeof calendarFeeds.$inferSelect;
export type NewToken = { nonce: string; tokenHash: string };

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

/** The only code that reads or writes calendar feeds, and the bookings a feed shows. Every call names its tenant. */
export class CalendarRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * The member's feed (of their own bookings when `resourceId` is null, else of that resource), given `fresh` as
   * its token unless `keep` accepts the current one. The row is created first and then locked, so two first asks
   * at once end with one token rather than one failing on the key.
   */
  issueFeed(tenant: string, memberId: string, resourceId: string | null, keep: (feed: FeedRow) => boolean, fresh: NewToken): Promise<FeedRow> {
    return this.db.tenant(tenant, async (tx) => {
      await tx
        .insert(calendarFeeds)
        .values({ associationId: tenant, id: randomUUID(), memberId, resourceId, ...fresh })
        .onConflictDoNothing();
      const [current] = await tx.select().from(calendarFeeds).where(feedOf(tenant, memberId, resourceId)).for('update');
      if (current && keep(current)) return current;
      const [issued] = await tx
        .update(calendarFeeds)
        // A revocation still ahead (a move-out next week) stays with the new token; one already past is lifted,
        // because only a current member can ask.
        .set({ ...fresh, createdAt: sql`now()`, revokedAt: sql`case when ${calendarFeeds.revokedAt} > now() then ${calendarFeeds.revokedAt} end` })
        .where(feedOf(tenant, memberId, resourceId))
        .returning();
      return issued!;
    });
  }

  /** The feed a token hash opens, unless revoked. */
  async findLiveFeed(tenant: string, hash: string, now: Date): Promise<FeedRow | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(calendarFeeds)
        .where(
          and(
            eq(calendarFeeds.associationId, tenant),
            eq(calendarFeeds.tokenHash, hash),
            or(isNull(calendarFeeds.revokedAt), gt(calendarFeeds.revokedAt, now)),
          ),
        ),
    );
    return row ?? null;
  }

  /** Makes all the member's feeds stop working at `at`, or earlier if already set so. */
  async revokeFeeds(tenant: string, memberId: string, at: Date): Promise<void> {
    await this.db.tenant(tenant, (tx) =>
      tx
        .update(calendarFeeds)
        .set({ revokedAt: sql`least(${calendarFeeds.revokedAt}, ${at.toISOString()}::timestamptz)` })
        .where(and(eq(calendarFeeds.associationId, tenant), eq(calendarFeeds.memberId, memberId))),
    );
  }

  async findResource(tenant: string, resourceId: string): Promise<FeedResource | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ id: resources.id, name: resources.name, timeZone: resources.timeZone })
        .from(resources)
        .where(and(eq(resources.associationId, tenant), eq(resources.id, resourceId))),
    );
    return row ?? null;
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

function feedOf(tenant: string, memberId: string, resourceId: string | null): SQL | undefined {
  return and(
    eq(calendarFeeds.associationId, tenant),
    eq(calendarFeeds.memberId, memberId),
    resourceId === null ? isNull(calendarFeeds.resourceId) : eq(calendarFeeds.resourceId, resourceId),
  );
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
