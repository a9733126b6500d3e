import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { openPostsTestBed, viewerIn, type PostsTestBed } from '../posts.fixtures';
import { comments } from '../tables';
import { CommentsService } from './comments.service';

let bed: PostsTestBed;

beforeAll(async () => {
  bed = await openPostsTestBed();
});

afterAll(() => bed.close());

const publish = (viewer: Viewer, title = 'Dugnad') => bed.contextFor(viewer).posts.createPost(viewer, { title, body: title });
const comment = (viewer: Viewer, postId: string, body: string, parentId?: string) =>
  bed.contextFor(viewer).comments.addComment(bed.contextFor(viewer), { postId, body, parentId });

async function commentCreatedEvents(associationId: string) {
  const result = (await bed.db.system((tx) =>
    tx.execute(sql`select payload from posts.outbox where topic = 'comment.created' and association_id = ${associationId} order by id`),
  )) as { rows: { payload: { postId: string; commentId: string; authorMemberId: string; recipients: string[] } }[] };
  return result.rows.map((row) => row.payload);
}

describe('comments', () => {
  it('threads replies one level deep under a top-level comment', async () => {
    const association = randomUUID();
    const [author, ola, kari] = [viewerIn(association), viewerIn(association), viewerIn(association, 'board')];
    const post = await publish(author);
    const top = await comment(ola, post.id, '  Jeg tar med kaffe.  ');
    const reply = await comment(kari, post.id, 'Takk!', top.id);
    expect(top).toMatchObject({ body: 'Jeg tar med kaffe.', parentId: null, authorMemberId: ola.memberId });
    expect(reply.parentId).toBe(top.id);

    await expect(comment(author, post.id, 'Svar på svar', reply.id)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'parentId' },
    });
    const otherPost = await publish(author, 'Annet');
    await expect(comment(author, otherPost.id, 'Feil tråd', top.id)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'parentId' },
    });

    const result = await bed.execute(
      author,
      `query($id: ID!) { post(id: $id) { commentCount comments { nodes { id body parent { id } replies { nodes { id body parent { id } replies { nodes { id } } } } } } } }`,
      { id: post.id },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      post: {
        commentCount: 2,
        comments: {
          nodes: [
            {
              id: top.id,
              body: 'Jeg tar med kaffe.',
              parent: null,
              replies: { nodes: [{ id: reply.id, body: 'Takk!', parent: { id: top.id }, replies: { nodes: [] } }] },
            },
          ],
        },
      },
    });
  });

  it('pages top-level comments oldest first', async () => {
    const viewer = viewerIn(randomUUID());
    const post = await publish(viewer);
    const ids: string[] = [];
    for (const body of ['1', '2', '3']) ids.push((await comment(viewer, post.id, body)).id);
    const ctx = bed.contextFor(viewer);
    const first = await ctx.comments.listComments(ctx, post, 2, null);
    expect(first.nodes.map((c) => c.body)).toEqual(['1', '2']);
    const second = await ctx.comments.listComments(ctx, post, 2, first.pageInfo.endCursor);
    expect(second.nodes.map((c) => c.body)).toEqual(['3']);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('pages each thread of replies, the first pages of a comments page in one query, with the flags a client shows', async () => {
    const association = randomUUID();
    const [ola, kari] = [viewerIn(association), viewerIn(association)];
    const post = await publish(ola);
    const threads = [await comment(ola, post.id, 'A'), await comment(kari, post.id, 'B')];
    for (const top of threads) for (const body of ['1', '2', '3']) await comment(kari, post.id, `${top.body}${body}`, top.id);
    type Page = {
      nodes: { body: string; viewerCanEdit: boolean; viewerCanDelete: boolean; viewerCanReply: boolean }[];
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
    type Thread = Page['nodes'][number] & { replies: Page };
    const query = `query($id: ID!) { post(id: $id) { comments { nodes { body viewerCanEdit viewerCanDelete viewerCanReply
      replies(first: 2) { nodes { body viewerCanEdit viewerCanDelete viewerCanReply } pageInfo { hasNextPage endCursor } } } } } }`;
    const firstReplies = jest.spyOn(bed.subgraph.commentsRepository, 'firstReplies');
    const result = await bed.execute<{ post: { comments: { nodes: Thread[] } } }>(ola, query, { id: post.id });
    expect(result.errors).toBeUndefined();
    expect(firstReplies).toHaveBeenCalledTimes(1);
    firstReplies.mockRestore();
    const [a, b] = result.data!.post.comments.nodes;
    expect(a!.replies.nodes.map((r) => r.body)).toEqual(['A1', 'A2']);
    expect(b!.replies.nodes.map((r) => r.body)).toEqual(['B1', 'B2']);
    expect(a!.replies.pageInfo.hasNextPage).toBe(true);
    expect([a!.viewerCanEdit, a!.viewerCanDelete, a!.viewerCanReply]).toEqual([true, true, true]);
    expect([b!.viewerCanEdit, b!.viewerCanDelete, b!.viewerCanReply]).toEqual([false, false, true]);
    // A reply takes no replies: one level deep.
    expect(a!.replies.nodes[0]).toMatchObject({ viewerCanEdit: false, viewerCanReply: false });

    const next = await bed.execute<{ comment: { replies: Page } }>(
      ola,
      `query($id: ID!, $after: String) { comment(id: $id) { replies(first: 2, after: $after) { nodes { body } pageInfo { hasNextPage } } } }`,
      { id: threads[0]!.id, after: a!.replies.pageInfo.endCursor },
    );
    expect(next.data!.comment.replies).toEqual({ nodes: [{ body: 'A3' }], pageInfo: { hasNextPage: false } });
  });

  it('keeps the earlier texts of an edited comment, and only the author may edit', async () => {
    const association = randomUUID();
    const [ola, board] = [viewerIn(association), viewerIn(association, 'board')];
    const post = await publish(board);
    const created = await comment(ola, post.id, 'Første');
    const ctx = bed.contextFor(ola);
    await ctx.comments.editComment(ctx, { commentId: created.id, body: 'Andre' });
    const edited = await bed.contextFor(ola).comments.editComment(bed.contextFor(ola), { commentId: created.id, body: 'Tredje' });
    expect(edited.body).toBe('Tredje');
    expect(edited.editedAt).toBeInstanceOf(Date);

    await expect(bed.contextFor(board).comments.editComment(bed.contextFor(board), { commentId: created.id, body: 'Styret' })).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    await expect(ctx.comments.editComment(ctx, { commentId: created.id, body: ' ' })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'body' },
    });

    const result = await bed.execute(ola, `query($id: ID!) { comment(id: $id) { body editedAt edits { body replacedAt } } }`, { id: created.id });
    expect(result.errors).toBeUndefined();
    const read = result.data!.comment as { body: string; edits: { body: string; replacedAt: string }[] };
    expect(read.body).toBe('Tredje');
    expect(read.edits.map((e) => e.body)).toEqual(['Første', 'Andre']);
  });

  it('refuses editing a comment others see while its author is restricted (FORBIDDEN, PROCESSING_RESTRICTED), not a withheld one (decision 0038)', async () => {
    const association = randomUUID();
    const [ola, board] = [viewerIn(association), viewerIn(association, 'board')];
    const post = await publish(board);
    const restricted = new Set<string>();
    const service = new CommentsService(bed.subgraph.commentsRepository, bed.subgraph.conduct, {
      isRestricted: async (_associationId, memberId) => restricted.has(memberId),
    });
    const shown = await service.addComment(bed.contextFor(ola), { postId: post.id, body: 'Før' });
    restricted.add(ola.memberId);
    await expect(service.editComment(bed.contextFor(ola), { commentId: shown.id, body: 'Etter' })).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN', reason: 'PROCESSING_RESTRICTED' },
    });
    const withheld = await service.addComment(bed.contextFor(ola), { postId: post.id, body: 'Holdt tilbake' });
    expect((await service.editComment(bed.contextFor(ola), { commentId: withheld.id, body: 'Rettet' })).body).toBe('Rettet');
    const read = await bed.execute(board, `query($id: ID!) { comment(id: $id) { body } }`, { id: shown.id });
    expect(read.data!.comment).toEqual({ body: 'Før' });
  });

  it('soft-deletes: no body or history in reads, not counted, row kept for the retention job', async () => {
    const association = randomUUID();
    const [ola, aase, board] = [viewerIn(association), viewerIn(association), viewerIn(association, 'board')];
    const post = await publish(board);
    const mine = await comment(ola, post.id, 'Hemmelig');
    await bed.contextFor(ola).comments.editComment(bed.contextFor(ola), { commentId: mine.id, body: 'Mindre hemmelig' });
    const reply = await comment(aase, post.id, 'Svar', mine.id);
    const another = await comment(aase, post.id, 'Angrer meg');

    await expect(bed.contextFor(aase).comments.deleteComment(bed.contextFor(aase), mine.id)).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    await bed.contextFor(ola).comments.deleteComment(bed.contextFor(ola), mine.id);
    await bed.contextFor(ola).comments.deleteComment(bed.contextFor(ola), mine.id); // a second delete is not an error
    // The board removes others' words through moderation, which logs why and tells the author.
    await expect(bed.contextFor(board).comments.deleteComment(bed.contextFor(board), another.id)).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    await bed.contextFor(aase).comments.deleteComment(bed.contextFor(aase), another.id);

    const result = await bed.execute(
      ola,
      `query($id: ID!) { post(id: $id) { commentCount comments { nodes { body deleted edits { body } replies { nodes { body } } } } } }`,
      { id: post.id },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      post: {
        commentCount: 1,
        comments: {
          nodes: [
            { body: null, deleted: true, edits: [], replies: { nodes: [{ body: 'Svar' }] } },
            { body: null, deleted: true, edits: [], replies: { nodes: [] } },
          ],
        },
      },
    });
    await expect(bed.contextFor(ola).comments.editComment(bed.contextFor(ola), { commentId: mine.id, body: 'Igjen' })).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    await expect(comment(aase, post.id, 'Svar til slettet', mine.id)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'parentId' },
    });

    const [kept] = await bed.db.tenant(association, (tx) =>
      tx
        .select()
        .from(comments)
        .where(sql`${comments.id} = ${mine.id}`),
    );
    expect(kept).toMatchObject({ deletedByMemberId: ola.memberId });
    expect(kept!.deletedAt).toBeInstanceOf(Date);
    expect(reply.parentId).toBe(mine.id);
  });

  it('reactions are idempotent per member and kind, summarised most common first', async () => {
    const association = randomUUID();
    const [ola, aase, per, caretaker] = [viewerIn(association), viewerIn(association), viewerIn(association), viewerIn(association, 'external')];
    const post = await publish(ola);
    const react = (viewer: Viewer, reaction: string, targetType = 'POST', targetId = post.id) =>
      bed.contextFor(viewer).comments.react(bed.contextFor(viewer), { targetType, targetId, reaction });

    await react(ola, 'LIKE');
    await react(ola, 'LIKE');
    await react(ola, 'HEART');
    await react(aase, 'HEART');
    const afterPer = await react(per, 'HEART');
    expect(afterPer).toEqual({
      reactions: [
        { reaction: 'HEART', count: 3 },
        { reaction: 'LIKE', count: 1 },
      ],
      viewerReactions: ['HEART'],
    });

    const afterUnreact = await bed.contextFor(ola).comments.unreact(bed.contextFor(ola), { targetType: 'POST', targetId: post.id, reaction: 'LIKE' });
    await bed.contextFor(ola).comments.unreact(bed.contextFor(ola), { targetType: 'POST', targetId: post.id, reaction: 'LIKE' });
    expect(afterUnreact.viewerReactions).toEqual(['HEART']);

    const onComment = await comment(aase, post.id, 'Fint');
    await react(ola, 'CELEBRATE', 'COMMENT', onComment.id);
    await expect(react(caretaker, 'LIKE')).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(react(ola, 'ANGRY')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'reaction' } });
    await expect(react(ola, 'LIKE', 'COMMENT', post.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });

    const result = await bed.execute(
      ola,
      `query($id: ID!) { post(id: $id) { reactions { reaction count } viewerReactions comments { nodes { reactions { reaction count } viewerReactions } } } }`,
      { id: post.id },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      post: {
        reactions: [{ reaction: 'HEART', count: 3 }],
        viewerReactions: ['HEART'],
        comments: { nodes: [{ reactions: [{ reaction: 'CELEBRATE', count: 1 }], viewerReactions: ['CELEBRATE'] }] },
      },
    });
  });

  it('announces comment.created to the post author and earlier thread participants, not the commenter', async () => {
    const association = randomUUID();
    const [author, ola, aase, per] = [viewerIn(association, 'board'), viewerIn(association), viewerIn(association), viewerIn(association)];
    const post = await publish(author);
    const first = await comment(ola, post.id, 'Første');
    const second = await comment(aase, post.id, 'Andre');
    const reply = await comment(per, post.id, 'Svar til Ola', first.id);
    const own = await comment(author, post.id, 'Forfatteren svarer', first.id);

    const events = await commentCreatedEvents(association);
    const recipientsOf = (id: string) => [...events.find((e) => e.commentId === id)!.recipients].sort();
    expect(events.find((e) => e.commentId === reply.id)).toMatchObject({ postId: post.id, authorMemberId: per.memberId });
    expect(recipientsOf(first.id)).toEqual([author.memberId]);
    expect(recipientsOf(second.id)).toEqual([author.memberId, ola.memberId].sort());
    // A reply's thread is its parent and the parent's replies: Aase's separate comment is not part of it.
    expect(recipientsOf(reply.id)).toEqual([author.memberId, ola.memberId].sort());
    expect(recipientsOf(own.id)).toEqual([ola.memberId, per.memberId].sort());
  });

  it('writes no event when the comment is refused', async () => {
    const association = randomUUID();
    const viewer = viewerIn(association);
    const post = await publish(viewer);
    await expect(comment(viewer, post.id, 'x'.repeat(5_001))).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'body' } });
    expect(await commentCreatedEvents(association)).toEqual([]);
  });

  it('refuses a comment on a post moderation removed (POST_REMOVED), which the board still reads, and its flag says so', async () => {
    const association = randomUUID();
    const [author, board] = [viewerIn(association), viewerIn(association, 'board')];
    const post = await publish(author);
    await bed.contextFor(author).posts.deletePost(author, bed.contextFor(author).loaders, post.id);
    const flag = await bed.execute(board, `query($id: ID!) { post(id: $id) { viewerCanComment } }`, { id: post.id });
    expect(flag.data).toEqual({ post: { viewerCanComment: false } });
    await expect(comment(board, post.id, 'Hei')).rejects.toMatchObject({ extensions: { code: 'CONFLICT', reason: 'POST_REMOVED' } });
  });

  it('refuses anonymous viewers and externals, lets externals read', async () => {
    const association = randomUUID();
    const board = viewerIn(association, 'board');
    const external = viewerIn(association, 'external');
    const post = await publish(board);
    await comment(board, post.id, 'Hei');
    await expect(comment(external, post.id, 'Hei')).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(bed.contextFor(null).comments.addComment(bed.contextFor(null), { postId: post.id, body: 'Hei' })).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const result = await bed.execute(external, `query($id: ID!) { post(id: $id) { commentCount comments { nodes { body } } } }`, { id: post.id });
    expect(result.data).toEqual({ post: { commentCount: 1, comments: { nodes: [{ body: 'Hei' }] } } });
  });

  describe('tenancy', () => {
    const associationA = randomUUID();
    const viewerA = viewerIn(associationA);
    const viewerB = viewerIn(randomUUID(), 'board');
    let postOfA: string;
    let commentOfA: string;

    beforeAll(async () => {
      postOfA = (await publish(viewerA)).id;
      commentOfA = (await comment(viewerA, postOfA, 'Bare for A')).id;
    });

    it('another association cannot comment on, react to, read or delete what is in A: NOT_FOUND', async () => {
      const ctx = bed.contextFor(viewerB);
      await expect(comment(viewerB, postOfA, 'Inntrenger')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      await expect(ctx.comments.react(ctx, { targetType: 'POST', targetId: postOfA, reaction: 'LIKE' })).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
      await expect(ctx.comments.react(ctx, { targetType: 'COMMENT', targetId: commentOfA, reaction: 'LIKE' })).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
      await expect(ctx.comments.comment(ctx, commentOfA)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      await expect(ctx.comments.deleteComment(ctx, commentOfA)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      expect(await ctx.commentLoaders.commentCountByPost.load(postOfA)).toBe(0);
    });

    it('a malformed id is NOT_FOUND, not a database error', async () => {
      const ctx = bed.contextFor(viewerA);
      await expect(comment(viewerA, 'not-a-uuid', 'Hei')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      await expect(ctx.comments.comment(ctx, 'not-a-uuid')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      await expect(comment(viewerA, postOfA, 'Hei', 'not-a-uuid')).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'parentId' },
      });
    });

    it('row-level security hides the comments even from SQL that does not filter by association', async () => {
      expect(await bed.db.tenant(viewerB.associationId, (tx) => tx.select().from(comments))).toEqual([]);
    });
  });

  describe('the feed', () => {
    const association = randomUUID();
    const reader = viewerIn(association);

    beforeAll(async () => {
      const writers = [viewerIn(association, 'board'), viewerIn(association), viewerIn(association)];
      for (let i = 0; i < 100; i++) {
        const post = await publish(writers[i % 3]!, `Innlegg ${i}`);
        const top = await comment(writers[(i + 1) % 3]!, post.id, `Kommentar ${i}`);
        if (i % 2 === 0) await comment(writers[(i + 2) % 3]!, post.id, `Svar ${i}`, top.id);
        await bed.contextFor(reader).comments.react(bed.contextFor(reader), { targetType: 'POST', targetId: post.id, reaction: 'LIKE' });
        if (i % 3 === 0)
          await bed.contextFor(writers[0]!).comments.react(bed.contextFor(writers[0]!), { targetType: 'POST', targetId: post.id, reaction: 'HEART' });
      }
    });

    const feed = `query($first: Int) { posts(first: $first) { nodes { id commentCount reactions { reaction count } viewerReactions } } }`;

    it('costs the same number of queries for a page of 20 or of 100 posts', async () => {
      const cost = async (first: number) => {
        const before = bed.db.queryCount;
        const result = await bed.execute(reader, feed, { first });
        expect(result.errors).toBeUndefined();
        const nodes = (result.data!.posts as { nodes: { commentCount: number; viewerReactions: string[] }[] }).nodes;
        expect(nodes).toHaveLength(first);
        expect(nodes.every((post) => post.commentCount >= 1 && post.viewerReactions.includes('LIKE'))).toBe(true);
        return bed.db.queryCount - before;
      };
      const twenty = await cost(20);
      expect(twenty).toBeGreaterThan(0);
      expect(await cost(100)).toBe(twenty);
    });

    it('summarises each post of the page', async () => {
      const result = await bed.execute(reader, feed, { first: 100 });
      const nodes = (result.data!.posts as { nodes: { commentCount: number; reactions: { reaction: string; count: number }[] }[] }).nodes;
      expect(nodes.filter((p) => p.commentCount === 2)).toHaveLength(50);
      expect(nodes.filter((p) => p.reactions.some((r) => r.reaction === 'HEART'))).toHaveLength(34);
    });
  });
});
