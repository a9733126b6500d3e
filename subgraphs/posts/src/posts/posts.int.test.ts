import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { openTestDatabase, type TestDatabase } from '@tunet/kit/src/testing';
import { sql } from 'drizzle-orm';
import { contextOf, viewerIn } from '../testing';
import { createPostsSubgraph, type PostsSubgraph } from '../subgraph';
import { posts } from '../tables';

let database: TestDatabase;
let subgraph: PostsSubgraph;

beforeAll(async () => {
  database = await openTestDatabase();
  // The posts subgraph keeps nothing in the fast store yet.
  subgraph = await createPostsSubgraph({ database: database.connection, store: { kind: 'memory', namespace: 'posts-test' } });
  await subgraph.migrate();
});

afterAll(() => database.drop());


const contextFor = (viewer: Viewer | null) => contextOf(subgraph, viewer);

async function publish(viewer: Viewer, title: string) {
  return contextFor(viewer).posts.createPost(viewer, { title, body: `Text of ${title}` });
}

/** Every title in the viewer's feed, fetched one post per page so each post sits on a page boundary. */
async function allTitles(viewer: Viewer): Promise<string[]> {
  const titles: string[] = [];
  let after: string | null = null;
  do {
    const page = await contextFor(viewer).posts.listPosts(viewer, 1, after);
    titles.push(...page.nodes.map((p) => p.title));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return titles;
}

describe('posts', () => {
  it('applies its migrations once', async () => {
    expect(await subgraph.migrate()).toEqual([]);
  });

  it('creates a post by the viewer in their association, trimmed', async () => {
    const viewer = viewerIn(randomUUID());
    const post = await contextFor(viewer).posts.createPost(viewer, { title: '  Dugnad  ', body: ' Ta med rake. ' });
    expect(post).toMatchObject({
      associationId: viewer.associationId,
      authorMemberId: viewer.memberId,
      title: 'Dugnad',
      body: 'Ta med rake.',
    });
    expect(post.publishedAt).toBeInstanceOf(Date);
  });

  it('lists newest first, two pages of 2 and 1', async () => {
    const viewer = viewerIn(randomUUID());
    const created = [await publish(viewer, 'First'), await publish(viewer, 'Second'), await publish(viewer, 'Third')];
    // Posts published in the same millisecond are ordered by id, so the expectation sorts the same way.
    const newestFirst = [...created].sort(
      (a, b) => b.publishedAt.getTime() - a.publishedAt.getTime() || (a.id < b.id ? 1 : -1),
    );
    const { posts: service } = contextFor(viewer);

    const first = await service.listPosts(viewer, 2, null);
    expect(first.nodes.map((p) => p.id)).toEqual(newestFirst.slice(0, 2).map((p) => p.id));
    expect(first.pageInfo.hasNextPage).toBe(true);

    const second = await service.listPosts(viewer, 2, first.pageInfo.endCursor);
    expect(second.nodes.map((p) => p.id)).toEqual([newestFirst[2]!.id]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('pages through posts published at the same instant without skipping or repeating any', async () => {
    const viewer = viewerIn(randomUUID());
    const publishedAt = new Date('2026-04-25T08:00:00.000Z');
    for (const title of ['A', 'B', 'C']) {
      await subgraph.repository.insertPost(viewer.associationId, {
        id: randomUUID(),
        authorMemberId: viewer.memberId,
        title,
        body: title,
        publishedAt,
      });
    }
    expect((await allTitles(viewer)).sort()).toEqual(['A', 'B', 'C']);
  });

  it('pages through posts published within one millisecond without skipping any', async () => {
    const viewer = viewerIn(randomUUID());
    const db = database.connection.forSubgraph('posts', 'unused: no migrations run here');
    // Drizzle cannot write sub-millisecond instants from a Date, but now() in PostgreSQL does.
    for (const instant of ['08:00:00.123400', '08:00:00.123300', '08:00:00.123200']) {
      await db.tenant(viewer.associationId, (tx) =>
        tx.insert(posts).values({
          associationId: viewer.associationId,
          id: randomUUID(),
          authorMemberId: viewer.memberId,
          title: instant,
          body: instant,
          publishedAt: sql`${`2026-04-25T${instant}Z`}::timestamptz`,
        }),
      );
    }
    expect((await allTitles(viewer)).sort()).toEqual(['08:00:00.123200', '08:00:00.123300', '08:00:00.123400']);
  });

  it.each([
    ['an empty title', { title: '   ', body: 'Tekst' }, 'title'],
    ['a title over 200 characters', { title: 'x'.repeat(201), body: 'Tekst' }, 'title'],
    ['an empty body', { title: 'Tittel', body: '' }, 'body'],
    ['a body over 20 000 characters', { title: 'Tittel', body: 'x'.repeat(20_001) }, 'body'],
  ])('rejects %s as BAD_USER_INPUT on the field', async (_case, input, field) => {
    const viewer = viewerIn(randomUUID());
    await expect(contextFor(viewer).posts.createPost(viewer, input)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field },
    });
  });

  it('rejects a tampered cursor as BAD_USER_INPUT on after', async () => {
    const viewer = viewerIn(randomUUID());
    const cursor = Buffer.from(JSON.stringify(['2026-04-25T08:00:00.000Z', 'not-a-uuid'])).toString('base64url');
    await expect(contextFor(viewer).posts.listPosts(viewer, 2, cursor)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
  });

  it('refuses anonymous viewers and lets externals read but not post', async () => {
    const associationId = randomUUID();
    const external = viewerIn(associationId, 'external');
    await publish(viewerIn(associationId, 'board'), 'Fra styret');
    const { posts: service } = contextFor(null);

    await expect(service.listPosts(null, 20, null)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(service.createPost(null, { title: 'Hei', body: 'Hei' })).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect((await service.listPosts(external, 20, null)).nodes.map((p) => p.title)).toEqual(['Fra styret']);
    await expect(service.createPost(external, { title: 'Hei', body: 'Hei' })).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
  });

  it('a malformed post id is NOT_FOUND, not a database error', async () => {
    const viewer = viewerIn(randomUUID());
    const ctx = contextFor(viewer);
    await expect(ctx.posts.post(viewer, ctx.loaders, 'not-a-uuid')).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
  });

  describe('tenancy', () => {
    const associationA = randomUUID();
    const associationB = randomUUID();
    const viewerA = viewerIn(associationA, 'board');
    const viewerB = viewerIn(associationB, 'board');
    let postOfA: string;

    beforeAll(async () => {
      postOfA = (await publish(viewerA, 'Bare for A')).id;
    });

    it('shows a post to its own association', async () => {
      const ctx = contextFor(viewerA);
      expect((await ctx.posts.post(viewerA, ctx.loaders, postOfA)).title).toBe('Bare for A');
    });

    it('hides it from another association: not listed, not loaded, NOT_FOUND', async () => {
      const ctx = contextFor(viewerB);
      expect((await ctx.posts.listPosts(viewerB, 20, null)).nodes).toEqual([]);
      expect(await ctx.loaders.postById.load(postOfA)).toBeNull();
      await expect(ctx.posts.post(viewerB, ctx.loaders, postOfA)).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
    });

    it('hides it from anonymous viewers', async () => {
      expect(await contextFor(null).loaders.postById.load(postOfA)).toBeNull();
    });

    it("the repository finds nothing of A's under tenant B", async () => {
      expect(await subgraph.repository.findPosts(associationB, [postOfA])).toEqual([]);
    });

    it('row-level security hides it even from SQL that does not filter by association', async () => {
      const db = database.connection.forSubgraph('posts', 'unused: no migrations run here');
      const visibleToB = await db.tenant(associationB, (tx) => tx.select().from(posts));
      expect(visibleToB).toEqual([]);
      const visibleToA = await db.tenant(associationA, (tx) => tx.select().from(posts));
      expect(visibleToA.map((p) => p.id)).toEqual([postOfA]);
    });
  });
});
