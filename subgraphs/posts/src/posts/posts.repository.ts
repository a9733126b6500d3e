import type { SubgraphDatabase } from '@tunet/kit';
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { posts } from '../tables';

export type PostRow = typeof posts.$inferSelect;
/** The association comes from the tenant the post is inserted under, so the two cannot disagree. */
export type NewPost = Omit<typeof posts.$inferInsert, 'associationId'>;

/** Keyset position in the newest-first feed. */
export type PostListPosition = { publishedAt: Date; id: string };

/** The only code that reads or writes posts. Every call names its tenant. */
export class PostsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  findPosts(tenant: string, ids: readonly string[]): Promise<PostRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx.select().from(posts).where(and(eq(posts.associationId, tenant), inArray(posts.id, [...ids]))),
    );
  }

  /**
   * One page ordered newest first; fetch `limit + 1` to learn whether another page follows. The cursor is a
   * row comparison because PostgreSQL can start the index scan at it, where the equivalent `or` of two
   * conditions makes it read and discard every newer post first.
   */
  listPosts(tenant: string, limit: number, after: PostListPosition | null): Promise<PostRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(posts)
        .where(
          and(
            eq(posts.associationId, tenant),
            after
              ? sql`(${posts.publishedAt}, ${posts.id}) < (${after.publishedAt.toISOString()}::timestamptz, ${after.id}::uuid)`
              : undefined,
          ),
        )
        .orderBy(desc(posts.publishedAt), desc(posts.id))
        .limit(limit),
    );
  }

  async insertPost(tenant: string, post: NewPost): Promise<PostRow> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx.insert(posts).values({ ...post, associationId: tenant }).returning(),
    );
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  /** Across all associations, so demo data is loaded only into an empty database. */
  async countPosts(): Promise<number> {
    const [row] = await this.db.system((tx) => tx.select({ total: count() }).from(posts));
    return row?.total ?? 0;
  }
}
