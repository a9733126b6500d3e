import type { SubgraphDatabase } from '@tunet/kit';
import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { EventRow } from '../events/events.repository';
import { calendarFeeds, events } from '../tables';

export type FeedRow = typeof calendarFeeds.$inferSelect;
/** A feed with a token: what `issueFeed` always returns. */
export type IssuedFeed = FeedRow & { nonce: string; tokenHash: string; issuedAt: Date };
export type NewToken = { nonce: string; tokenHash: string };

/** The only code that reads or writes calendar feeds, and the events a feed shows. Every call names its tenant. */
export class CalendarRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * The member's feed, given `fresh` as its token unless `keep` accepts the current one. The row is created
   * first and then locked, so two first asks at once end with one token rather than one failing on the key.
   * A revocation still ahead (a move-out next week) stays with a new token; one already past is lifted, because
   * only a current member can ask.
   */
  issueFeed(tenant: string, memberId: string, keep: (feed: FeedRow) => boolean, fresh: NewToken, now: Date): Promise<IssuedFeed> {
    return this.db.tenant(tenant, async (tx) => {
      await tx.insert(calendarFeeds).values({ associationId: tenant, memberId }).onConflictDoNothing();
      const [current] = await tx
        .select()
        .from(calendarFeeds)
        .where(and(eq(calendarFeeds.associationId, tenant), eq(calendarFeeds.memberId, memberId)))
        .for('update');
      if (current && keep(current)) return current as IssuedFeed;
      const [issued] = await tx
        .update(calendarFeeds)
        .set({
          ...fresh,
          issuedAt: now,
          validUntil: sql`case when ${calendarFeeds.validUntil} > ${now.toISOString()}::timestamptz then ${calendarFeeds.validUntil} end`,
        })
        .where(and(eq(calendarFeeds.associationId, tenant), eq(calendarFeeds.memberId, memberId)))
        .returning();
      return issued as IssuedFeed;
    });
  }

  /** The feed a token hash opens, unless revoked by `now`. */
  async findLiveFeed(tenant: string, hash: string, now: Date): Promise<FeedRow | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(calendarFeeds)
        .where(
          and(
            eq(calendarFeeds.associationId, tenant),
            eq(calendarFeeds.tokenHash, hash),
            or(isNull(calendarFeeds.validUntil), gt(calendarFeeds.validUntil, now)),
          ),
        ),
    );
    return row ?? null;
  }

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

  /**
   * Makes the member's feed stop working at `validUntil` (or earlier, if already set so). A token issued after
   * the revocation `occurredAt` is left alone: the stream may deliver an old suspension again after the member
   * was reinstated and asked for a new feed. With no row yet, one without a token holds the date, so a feed the
   * member asks for before a future move-out still ends with it.
   */
  async revoke(tenant: string, memberId: string, validUntil: Date, occurredAt: Date): Promise<void> {
    await this.db.tenant(tenant, (tx) =>
      tx
        .insert(calendarFeeds)
        .values({ associationId: tenant, memberId, validUntil })
        .onConflictDoUpdate({
          target: [calendarFeeds.associationId, calendarFeeds.memberId],
          set: { validUntil: sql`least(${calendarFeeds.validUntil}, excluded.valid_until)` },
          setWhere: or(isNull(calendarFeeds.issuedAt), sql`${calendarFeeds.issuedAt} <= ${occurredAt.toISOString()}::timestamptz`),
        }),
    );
  }
}
