import type { Announcement as PostEvent, SubgraphDatabase } from '@tunet/kit';
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Audience, ViewerAudiences } from '../audiences/audiences';
import { postReads, posts, type PostKind } from '../tables';

export type PostRow = typeof posts.$inferSelect;
export type PostReadRow = typeof postReads.$inferSelect;
/** The association comes from the tenant the post is inserted under, so the two cannot disagree. */
export type NewPost = Omit<typeof posts.$inferInsert, 'associationId'>;
/** What `updatePost` may change; editedAt is set by the repository. */
export type PostChanges = Partial<Pick<PostRow, 'title' | 'body' | 'audienceKind' | 'audienceId' | 'publishedAt' | 'expiresAt' | 'important'>>;

/** Keyset position in a list ordered by publish time. */
export type PostListPosition = { publishedAt: Date; id: string };
/** Keyset position in a post's oldest-first list of readers. */
export type ReaderListPosition = { readAt: Date; memberId: string };

/** What the feed may be narrowed to; `audience` lets a group page list its own posts. */
export interface FeedFilter {
  kind?: PostKind;
  audience?: Audience;
  unreadOnly?: boolean;
  /** Only important notices (true) or only the others (false); both when left out. */
  important?: boolean;
  /** Leave out pinned posts, which a home screen shows above the feed from `pinnedPosts`. */
  excludePinned?: boolean;
}

/** An event built from a post's row, written in the transaction that makes the post visible. */
export type Announcement = (row: PostRow) => PostEvent;

/**
 * `now()` rounded down to the millisecond that published_at and read_at keep (0001): stored rounded to the
 * nearest one instead, a post published now could lie up to half a millisecond in the future and miss a feed
 * read that follows at once.
 */
const nowInMilliseconds = sql`date_trunc('milliseconds', now())`;

/** The only code that reads or writes posts and their reads. Every call names its tenant. */
export class PostsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  findPosts(tenant: string, ids: readonly string[]): Promise<PostRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(posts)
        .where(and(eq(posts.associationId, tenant), inArray(posts.id, [...ids]))),
    );
  }

  /**
   * One page of the reader's feed, newest first; fetch `limit + 1` to learn whether another page follows. The
   * cursor is a row comparison because PostgreSQL can start the index scan at it, where the equivalent `or` of
   * two conditions makes it read and discard every newer post first.
   */
  listFeed(tenant: string, reader: ViewerAudiences, filter: FeedFilter, limit: number, after: PostListPosition | null): Promise<PostRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(posts)
        .where(
          and(
            eq(posts.associationId, tenant),
            inFeedOf(reader),
            filter.kind ? eq(posts.kind, filter.kind) : undefined,
            filter.audience ? isAudience(filter.audience) : undefined,
            filter.unreadOnly ? unreadBy(reader.memberId) : undefined,
            filter.important === undefined ? undefined : eq(posts.important, filter.important),
            filter.excludePinned ? isNull(posts.pinnedAt) : undefined,
            after ? sql`(${posts.publishedAt}, ${posts.id}) < (${after.publishedAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(desc(posts.publishedAt), desc(posts.id))
        .limit(limit),
    );
  }

  async countUnread(tenant: string, reader: ViewerAudiences): Promise<number> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ total: count() })
        .from(posts)
        .where(and(eq(posts.associationId, tenant), inFeedOf(reader), unreadBy(reader.memberId))),
    );
    return row?.total ?? 0;
  }

  /** The pinned posts of the reader's feed, most recently pinned first. */
  listPinned(tenant: string, reader: ViewerAudiences): Promise<PostRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(posts)
        .where(and(eq(posts.associationId, tenant), isNotNull(posts.pinnedAt), inFeedOf(reader)))
        .orderBy(desc(posts.pinnedAt), desc(posts.id)),
    );
  }

  /**
   * Posts waiting for their publish time, soonest first: the reader's own, or all of them for the board. Served
   * by posts_feed read backwards from now.
   */
  listScheduled(tenant: string, reader: ViewerAudiences, limit: number, after: PostListPosition | null): Promise<PostRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(posts)
        .where(
          and(
            eq(posts.associationId, tenant),
            sql`${posts.publishedAt} > now()`,
            reader.board ? notWithheld(reader) : and(eq(posts.authorMemberId, reader.memberId), ne(posts.moderationState, 'removed')),
            after ? sql`(${posts.publishedAt}, ${posts.id}) > (${after.publishedAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(asc(posts.publishedAt), asc(posts.id))
        .limit(limit),
    );
  }

  /**
   * Inserts the post, published now unless it names a later instant. With `announce`, the event it builds is
   * written in the same transaction and the post is marked announced, so it is never announced twice nor stored
   * as published without its announcement.
   */
  insertPost(tenant: string, post: NewPost, announce: Announcement | null = null): Promise<PostRow> {
    return this.db.tenant(tenant, async (tx) => {
      const [row] = await tx
        .insert(posts)
        .values({
          ...post,
          publishedAt: post.publishedAt ?? nowInMilliseconds,
          associationId: tenant,
          ...(announce ? { announcedAt: sql`now()` } : {}),
        })
        .returning();
      if (!row) throw new Error('insert returned no row');
      if (announce) await this.db.outbox.add(tx, { ...announce(row), associationId: tenant });
      return row;
    });
  }

  /**
   * Applies the author's changes and marks the post edited; null if the post is gone, hidden or removed, or
   * (with `onlyBeforePublishing`, when the publish time changes) already published.
   */
  async updatePost(tenant: string, id: string, changes: PostChanges, onlyBeforePublishing: boolean): Promise<PostRow | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .update(posts)
        .set({ ...changes, editedAt: sql`now()` })
        .where(
          and(
            eq(posts.associationId, tenant),
            eq(posts.id, id),
            eq(posts.moderationState, 'visible'),
            onlyBeforePublishing ? sql`${posts.publishedAt} > now()` : undefined,
          ),
        )
        .returning(),
    );
    return row ?? null;
  }

  /** Deleting a post removes it from every read but the board's; the row stays for moderation's record. */
  async removePost(tenant: string, id: string): Promise<PostRow | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .update(posts)
        .set({ moderationState: 'removed', moderatedAt: sql`now()`, deletedAt: sql`now()` })
        .where(and(eq(posts.associationId, tenant), eq(posts.id, id)))
        .returning(),
    );
    return row ?? null;
  }

  /** Pinning a pinned post keeps its place among the pinned: the pin time is when it was first pinned. */
  async setPinned(tenant: string, id: string, pinned: boolean): Promise<PostRow | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .update(posts)
        .set({ pinnedAt: pinned ? sql`coalesce(${posts.pinnedAt}, now())` : null })
        .where(and(eq(posts.associationId, tenant), eq(posts.id, id)))
        .returning(),
    );
    return row ?? null;
  }

  /** Reading twice keeps the first read: the reach shows when the notice got through. */
  async markRead(tenant: string, postId: string, memberId: string): Promise<void> {
    await this.db.tenant(tenant, (tx) =>
      tx.insert(postReads).values({ associationId: tenant, postId, memberId, readAt: nowInMilliseconds }).onConflictDoNothing(),
    );
  }

  /** Which of the posts the member has read; served by the primary key. */
  async findReadPostIds(tenant: string, memberId: string, postIds: readonly string[]): Promise<string[]> {
    const rows = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ postId: postReads.postId })
        .from(postReads)
        .where(and(eq(postReads.associationId, tenant), eq(postReads.memberId, memberId), inArray(postReads.postId, [...postIds]))),
    );
    return rows.map((row) => row.postId);
  }

  /** Readers per post; posts nobody has read are absent. */
  countReads(tenant: string, postIds: readonly string[]): Promise<{ postId: string; count: number }[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select({ postId: postReads.postId, count: count() })
        .from(postReads)
        .where(and(eq(postReads.associationId, tenant), inArray(postReads.postId, [...postIds])))
        .groupBy(postReads.postId),
    );
  }

  /** One page of a post's readers, first reader first; fetch `limit + 1` to learn whether another page follows. */
  listReaders(tenant: string, postId: string, limit: number, after: ReaderListPosition | null): Promise<PostReadRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(postReads)
        .where(
          and(
            eq(postReads.associationId, tenant),
            eq(postReads.postId, postId),
            after ? sql`(${postReads.readAt}, ${postReads.memberId}) > (${after.readAt.toISOString()}::timestamptz, ${after.memberId}::uuid)` : undefined,
          ),
        )
        .orderBy(asc(postReads.readAt), asc(postReads.memberId))
        .limit(limit),
    );
  }

  /**
   * Announces up to `limit` scheduled posts whose time has come, in every association, and returns how many. The
   * claim locks the rows and skips rows another process holds, and the event is written in the transaction that
   * sets announced_at, so each post is announced exactly once. Hidden or removed posts wait: they are not
   * visible, and a hidden post the board restores is announced on the next run. A post `withheld` answers true for
   * (its author's processing is restricted) is marked withheld and announced to nobody; one it answers 'wait' for
   * (whether the author is restricted cannot be told now) stays as it is for the next run, and the others go on.
   * System scope, because the announcer serves every association at once. Returns how many were claimed.
   */
  announceDuePosts(limit: number, announce: Announcement, withheld: (post: PostRow) => Promise<boolean | 'wait'>): Promise<number> {
    return this.db.system(async (tx) => {
      const due = await tx
        .select()
        .from(posts)
        .where(and(isNull(posts.announcedAt), sql`${posts.publishedAt} <= now()`, eq(posts.moderationState, 'visible')))
        .orderBy(asc(posts.publishedAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (due.length === 0) return 0;
      for (const post of due) {
        const withhold = await withheld(post);
        if (withhold === 'wait') continue;
        const [row] = await tx
          .update(posts)
          .set({ announcedAt: sql`now()`, ...(withhold ? { withheld: true } : {}) })
          .where(and(eq(posts.associationId, post.associationId), eq(posts.id, post.id)))
          .returning();
        if (row && !withhold) await this.db.outbox.add(tx, { ...announce(row), associationId: row.associationId });
      }
      return due.length;
    });
  }

  /** Across all associations, so demo data is loaded only into an empty database. */
  async countPosts(): Promise<number> {
    const [row] = await this.db.system((tx) => tx.select({ total: count() }).from(posts));
    return row?.total ?? 0;
  }
}

/**
 * The reader's feed: published, not expired, in an audience they are in, and visible, or hidden but theirs
 * (see canSeePost, which checks the same for posts loaded by id). The board sees every audience and state.
 */
function inFeedOf(reader: ViewerAudiences): SQL {
  const live = and(sql`${posts.publishedAt} <= now()`, or(isNull(posts.expiresAt), sql`${posts.expiresAt} > now()`))!;
  // Removed posts leave every feed; the board finds them in the moderation queue and log.
  if (reader.board) return and(live, ne(posts.moderationState, 'removed'), notWithheld(reader))!;
  const own = eq(posts.authorMemberId, reader.memberId);
  const moderation = or(eq(posts.moderationState, 'visible'), and(eq(posts.moderationState, 'hidden'), own));
  return and(live, moderation, notWithheld(reader), or(own, inAudienceOf(reader)))!;
}

/** A post written while its author's processing was restricted is its author's alone, the board's reads included. */
function notWithheld(reader: ViewerAudiences): SQL {
  return or(eq(posts.withheld, false), eq(posts.authorMemberId, reader.memberId))!;
}

/** The SQL twin of isInAudience for a viewer who is not on the board. */
function inAudienceOf(reader: ViewerAudiences): SQL {
  const named = (kind: 'building' | 'committee' | 'group', ids: readonly string[]) =>
    ids.length > 0 ? and(eq(posts.audienceKind, kind), inArray(posts.audienceId, [...ids])) : undefined;
  return or(
    eq(posts.audienceKind, 'association'),
    named('building', reader.buildingIds),
    named('committee', reader.committeeIds),
    named('group', reader.groupIds),
  )!;
}

function isAudience(audience: Audience): SQL {
  return 'id' in audience ? and(eq(posts.audienceKind, audience.kind), eq(posts.audienceId, audience.id))! : eq(posts.audienceKind, audience.kind);
}

function unreadBy(memberId: string): SQL {
  return sql`not exists (select 1 from ${postReads} where ${postReads.associationId} = ${posts.associationId}
    and ${postReads.postId} = ${posts.id} and ${postReads.memberId} = ${memberId})`;
}
