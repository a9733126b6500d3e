import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, getTableColumns, gt, inArray, lte, or, sql } from 'drizzle-orm';
import type { SubgraphDatabase } from '@tunet/kit';
import { serviceRequests, type CommentVisibility } from '../tables';
import { serviceRequestComments } from './comments.tables';

export type CommentRow = typeof serviceRequestComments.$inferSelect;

/** Where a page of comments starts: after the comment with this time and id. */
export type CommentCursor = { createdAt: string; id: string };

/** The only SQL of comments. Every read and write runs in the request's association (row-level security). */
export class CommentsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Adds a comment unless its author already has `max` on the request, serialised per request by locking its row so
   * two at once cannot both pass the count. Counted per author, so one party filling the thread (a reporter's public
   * comments) never silences another (the board's internal notes). `null` when the request is gone; `'full'` when the
   * author has `max` comments on it.
   */
  add(
    associationId: string,
    comment: Pick<CommentRow, 'requestId' | 'authorMemberId' | 'visibility' | 'body' | 'createdAt'>,
    max: number,
  ): Promise<CommentRow | 'full' | null> {
    return this.db.tenant(associationId, async (tx) => {
      const [request] = await tx
        .select({ id: serviceRequests.id })
        .from(serviceRequests)
        .where(and(eq(serviceRequests.associationId, associationId), eq(serviceRequests.id, comment.requestId)))
        .for('update');
      if (!request) return null;
      const [{ n } = { n: 0 }] = await tx
        .select({ n: count() })
        .from(serviceRequestComments)
        .where(
          and(
            eq(serviceRequestComments.associationId, associationId),
            eq(serviceRequestComments.requestId, comment.requestId),
            eq(serviceRequestComments.authorMemberId, comment.authorMemberId),
          ),
        );
      if (n >= max) return 'full';
      const [row] = await tx
        .insert(serviceRequestComments)
        .values({ ...comment, associationId, id: randomUUID() })
        .returning();
      return row!;
    });
  }

  /** A request's comments of the given kinds, oldest first, `limit` after `after`. */
  list(associationId: string, requestId: string, kinds: readonly CommentVisibility[], limit: number, after: CommentCursor | null): Promise<CommentRow[]> {
    if (kinds.length === 0) return Promise.resolve([]);
    const c = serviceRequestComments;
    const start = after
      ? or(gt(c.createdAt, new Date(after.createdAt)), and(eq(c.createdAt, new Date(after.createdAt)), sql`${c.id} > ${after.id}::uuid`))
      : undefined;
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(c)
        .where(and(eq(c.associationId, associationId), eq(c.requestId, requestId), inArray(c.visibility, [...kinds]), start))
        .orderBy(asc(c.createdAt), asc(c.id))
        .limit(limit),
    );
  }

  /** The first `limit` comments of the given kinds on each of a batch of requests, oldest first: one query per page of requests. */
  firstPages(associationId: string, requestIds: readonly string[], kinds: readonly CommentVisibility[], limit: number): Promise<CommentRow[]> {
    const c = serviceRequestComments;
    return this.db.tenant(associationId, async (tx) => {
      const ranked = tx
        .select({ ...getTableColumns(c), n: sql<number>`row_number() over (partition by ${c.requestId} order by ${c.createdAt}, ${c.id})`.as('n') })
        .from(c)
        .where(and(eq(c.associationId, associationId), inArray(c.requestId, [...requestIds]), inArray(c.visibility, [...kinds])))
        .as('ranked');
      const rows = await tx.select().from(ranked).where(lte(ranked.n, limit)).orderBy(asc(ranked.requestId), asc(ranked.createdAt), asc(ranked.id));
      return rows.map(({ n, ...row }) => row);
    });
  }
}
