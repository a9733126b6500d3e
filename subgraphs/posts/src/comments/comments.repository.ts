import type { Announcement, SubgraphDatabase } from '@tunet/kit';
import { and, asc, count, desc, eq, getTableColumns, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { commentEdits, comments, reactions } from '../tables';

export type CommentRow = typeof comments.$inferSelect;
export type CommentEditRow = typeof commentEdits.$inferSelect;
export type ReactionRow = typeof reactions.$inferSelect;
export type ReactionKind = ReactionRow['reaction'];
export type ReactionTargetType = ReactionRow['targetType'];
/** The association comes from the tenant the comment is inserted under, so the two cannot disagree. */
export type NewComment = Pick<CommentRow, 'id' | 'postId' | 'parentId' | 'authorMemberId' | 'body'> & Partial<Pick<CommentRow, 'withheld'>>;

/**
 * A comment written while its author's processing was restricted is its author's alone; `viewerId` is the member
 * reading (null for a reader who is no member, who sees no withheld comment).
 */
function visibleTo(viewerId: string | null): SQL {
  return viewerId ? or(eq(comments.withheld, false), eq(comments.authorMemberId, viewerId))! : eq(comments.withheld, false);
}

/** Keyset position in a post's oldest-first list of top-level comments. */
export type CommentListPosition = { createdAt: Date; id: string };

export interface ReactionCountRow {
  targetId: string;
  reaction: ReactionKind;
  count: number;
}

/** The only code that reads or writes comments, their edits and reactions. Every call names its tenant. */
export class CommentsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  findComments(tenant: string, ids: readonly string[], viewerId: string | null): Promise<CommentRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(comments)
        .where(and(eq(comments.associationId, tenant), inArray(comments.id, [...ids]), visibleTo(viewerId))),
    );
  }

  /** Fetch `limit + 1` to learn whether another page follows; the row comparison lets the index start at the cursor. */
  listTopLevel(tenant: string, postId: string, limit: number, after: CommentListPosition | null, viewerId: string | null): Promise<CommentRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(comments)
        .where(
          and(
            eq(comments.associationId, tenant),
            eq(comments.postId, postId),
            isNull(comments.parentId),
            visibleTo(viewerId),
            after ? sql`(${comments.createdAt}, ${comments.id}) > (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(asc(comments.createdAt), asc(comments.id))
        .limit(limit),
    );
  }

  /**
   * The first `limit` replies under each of a batch of top-level comments, oldest first: one query for a page of
   * comments however many threads it opens (`limit` is the page size plus one, to learn whether more follow).
   */
  firstReplies(tenant: string, parentIds: readonly string[], limit: number, viewerId: string | null): Promise<CommentRow[]> {
    return this.db.tenant(tenant, async (tx) => {
      const ranked = tx
        .select({
          ...getTableColumns(comments),
          n: sql<number>`row_number() over (partition by ${comments.parentId} order by ${comments.createdAt}, ${comments.id})`.as('n'),
        })
        .from(comments)
        .where(and(eq(comments.associationId, tenant), inArray(comments.parentId, [...parentIds]), visibleTo(viewerId)))
        .as('ranked');
      const rows = await tx.select().from(ranked).where(lte(ranked.n, limit)).orderBy(asc(ranked.parentId), asc(ranked.createdAt), asc(ranked.id));
      return rows.map(({ n: _n, ...row }) => row);
    });
  }

  /** A later page of one thread's replies, after the cursor; `limit + 1` as for `listTopLevel`. */
  listReplies(tenant: string, parentId: string, limit: number, after: CommentListPosition, viewerId: string | null): Promise<CommentRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(comments)
        .where(
          and(
            eq(comments.associationId, tenant),
            eq(comments.parentId, parentId),
            visibleTo(viewerId),
            sql`(${comments.createdAt}, ${comments.id}) > (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`,
          ),
        )
        .orderBy(asc(comments.createdAt), asc(comments.id))
        .limit(limit),
    );
  }

  findEdits(tenant: string, commentIds: readonly string[]): Promise<CommentEditRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(commentEdits)
        .where(and(eq(commentEdits.associationId, tenant), inArray(commentEdits.commentId, [...commentIds])))
        .orderBy(asc(commentEdits.replacedAt), asc(commentEdits.id)),
    );
  }

  /** Comments and replies per post that are neither deleted nor hidden or removed by moderation; posts without any are absent. */
  countComments(tenant: string, postIds: readonly string[]): Promise<{ postId: string; count: number }[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select({ postId: comments.postId, count: count() })
        .from(comments)
        .where(
          and(
            eq(comments.associationId, tenant),
            inArray(comments.postId, [...postIds]),
            isNull(comments.deletedAt),
            eq(comments.moderationState, 'visible'),
            eq(comments.withheld, false),
          ),
        )
        .groupBy(comments.postId),
    );
  }

  /**
   * Inserts the comment and, in the same transaction, the event `announce` builds from the thread's earlier
   * participants, so a comment is never announced without existing nor stored without being announced.
   */
  insertComment(tenant: string, comment: NewComment, announce: (row: CommentRow, participants: string[]) => Announcement): Promise<CommentRow> {
    return this.db.tenant(tenant, async (tx) => {
      // A reply's thread is its parent and the parent's replies; a top-level comment's thread is the whole post.
      const thread = comment.parentId ? or(eq(comments.id, comment.parentId), eq(comments.parentId, comment.parentId)) : eq(comments.postId, comment.postId);
      const participants = await tx
        .selectDistinct({ memberId: comments.authorMemberId })
        .from(comments)
        .where(and(eq(comments.associationId, tenant), thread, isNull(comments.deletedAt)));
      const [row] = await tx
        .insert(comments)
        .values({ ...comment, associationId: tenant })
        .returning();
      if (!row) throw new Error('insert returned no row');
      // A withheld comment is announced to nobody.
      if (!row.withheld)
        await this.db.outbox.add(tx, {
          ...announce(
            row,
            participants.map((p) => p.memberId),
          ),
          associationId: tenant,
        });
      return row;
    });
  }

  /** Keeps the current text as an edit and writes the new one, together; null if the comment is gone or deleted. */
  editComment(tenant: string, id: string, body: string, editId: string): Promise<CommentRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      // The lock makes concurrent edits queue, so each keeps the text the previous one wrote.
      const [current] = await tx
        .select()
        .from(comments)
        .where(and(eq(comments.associationId, tenant), eq(comments.id, id), isNull(comments.deletedAt)))
        .for('update');
      if (!current) return null;
      const now = new Date();
      await tx.insert(commentEdits).values({ associationId: tenant, id: editId, commentId: id, body: current.body, replacedAt: now });
      const [row] = await tx
        .update(comments)
        .set({ body, editedAt: now })
        .where(and(eq(comments.associationId, tenant), eq(comments.id, id)))
        .returning();
      return row ?? null;
    });
  }

  /** Marks the comment deleted once; a second delete keeps the first one's time and member. */
  async softDeleteComment(tenant: string, id: string, byMemberId: string): Promise<CommentRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      await tx
        .update(comments)
        .set({ deletedAt: new Date(), deletedByMemberId: byMemberId })
        .where(and(eq(comments.associationId, tenant), eq(comments.id, id), isNull(comments.deletedAt)));
      const [row] = await tx
        .select()
        .from(comments)
        .where(and(eq(comments.associationId, tenant), eq(comments.id, id)));
      return row ?? null;
    });
  }

  /** Idempotent through the primary key: a second identical reaction inserts nothing. */
  async addReaction(tenant: string, reaction: Omit<ReactionRow, 'associationId' | 'createdAt'>): Promise<void> {
    await this.db.tenant(tenant, (tx) =>
      tx
        .insert(reactions)
        .values({ ...reaction, associationId: tenant })
        .onConflictDoNothing(),
    );
  }

  async removeReaction(tenant: string, reaction: Omit<ReactionRow, 'associationId' | 'createdAt'>): Promise<void> {
    await this.db.tenant(tenant, (tx) =>
      tx
        .delete(reactions)
        .where(
          and(
            eq(reactions.associationId, tenant),
            eq(reactions.targetType, reaction.targetType),
            eq(reactions.targetId, reaction.targetId),
            eq(reactions.memberId, reaction.memberId),
            eq(reactions.reaction, reaction.reaction),
          ),
        ),
    );
  }

  /** Counts per target and reaction, most common first, for a batch of targets of one type. */
  countReactions(tenant: string, targetType: ReactionTargetType, targetIds: readonly string[]): Promise<ReactionCountRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select({ targetId: reactions.targetId, reaction: reactions.reaction, count: count() })
        .from(reactions)
        .where(and(eq(reactions.associationId, tenant), eq(reactions.targetType, targetType), inArray(reactions.targetId, [...targetIds])))
        .groupBy(reactions.targetId, reactions.reaction)
        .orderBy(desc(count()), asc(reactions.reaction)),
    );
  }

  /** One member's reactions to a batch of targets of one type. */
  findMemberReactions(tenant: string, targetType: ReactionTargetType, memberId: string, targetIds: readonly string[]): Promise<ReactionRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(reactions)
        .where(
          and(
            eq(reactions.associationId, tenant),
            eq(reactions.targetType, targetType),
            inArray(reactions.targetId, [...targetIds]),
            eq(reactions.memberId, memberId),
          ),
        )
        .orderBy(asc(reactions.createdAt), asc(reactions.reaction)),
    );
  }
}
