import { and, eq, inArray, sql } from 'drizzle-orm';
import type { SubgraphDatabase } from '@tunet/kit';
import { serviceRequestRatings } from './ratings.tables';

export type RatingRow = typeof serviceRequestRatings.$inferSelect;

/** The only SQL of ratings. Every read and write runs in the request's association (row-level security). */
export class RatingsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Stores the rating if the request is resolved or closed at that moment and has none yet, in one statement: the
   * primary key (one per request) keeps a second one out, also when two arrive at once. `null` when nothing was stored.
   */
  async rate(associationId: string, rating: Omit<RatingRow, 'associationId'>): Promise<RatingRow | null> {
    const result = (await this.db.tenant(associationId, (tx) =>
      tx.execute(sql`
        insert into operations.service_request_ratings (association_id, request_id, rater_member_id, score, comment, created_at)
        select r.association_id, r.id, ${rating.raterMemberId}::uuid, ${rating.score}, ${rating.comment}, ${rating.createdAt.toISOString()}::timestamptz
        from operations.service_requests r
        where r.association_id = ${associationId}::uuid and r.id = ${rating.requestId}::uuid and r.status in ('resolved', 'closed')
        on conflict (association_id, request_id) do nothing
        returning request_id`),
    )) as { rows: unknown[] };
    return result.rows.length === 1 ? { ...rating, associationId } : null;
  }

  async find(associationId: string, requestId: string): Promise<RatingRow | null> {
    const [row] = await this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(serviceRequestRatings)
        .where(and(eq(serviceRequestRatings.associationId, associationId), eq(serviceRequestRatings.requestId, requestId))),
    );
    return row ?? null;
  }

  /** The ratings of a batch of requests (at most one each), for the loaders. */
  byRequests(associationId: string, requestIds: readonly string[]): Promise<RatingRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(serviceRequestRatings)
        .where(and(eq(serviceRequestRatings.associationId, associationId), inArray(serviceRequestRatings.requestId, [...requestIds]))),
    );
  }
}
