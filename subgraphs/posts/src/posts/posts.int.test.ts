import { randomUUID } from 'node:crypto';
import { ServiceUnavailable, type MemberViewer, type Viewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { AudienceReferences } from '../audiences/audience-references';
import { EVERY_REFERENCE_EXISTS, openPostsTestBed, viewerIn, type PostsTestBed } from '../posts.fixtures';
import { posts } from '../tables';
import { createPostsLoaders } from './posts.loaders';
import { PostsService } from './posts.service';

let bed: PostsTestBed;

beforeAll(async () => {
  bed = await openPostsTestBed();
});

afterAll(() => bed.close());

const HOUR = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR);

async function publish(viewer: Viewer, title: string, extra: Record<string, unknown> = {}) {
  return bed.contextFor(viewer).posts.createPost(viewer, { title, body: `Text of ${title}`, ...extra });
}

/** Every title in the viewer's feed, fetched one post per page so each post sits on a page boundary. */
async function allTitles(viewer: Viewer): Promise<string[]> {
  const titles: string[] = [];
  let after: string | null = null;
  do {
    const page = await bed.contextFor(viewer).posts.listPosts(viewer, { first: 1, after });
    titles.push(...page.nodes.map((p) => p.title));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return titles;
}

const feedTitles = async (viewer: Viewer) => (await bed.contextFor(viewer).posts.listPosts(viewer, { first: 100 })).nodes.map((p) => p.title);
const byId = (viewer: Viewer, id: string) => {
  const ctx = bed.contextFor(viewer);
  return ctx.posts.post(viewer, ctx.loaders, id);
};

const codes = (result: { errors?: readonly { extensions: Record<string, unknown> }[] }) => result.errors?.map((e) => e.extensions.code);

/** Moves a post's publish time (and expiry) into the past, as if the hours had gone by. */
async function letTimePass(tenant: string, postId: string, hours: number) {
  await bed.db.tenant(tenant, (tx) =>
    tx.execute(sql`update posts.posts set published_at = published_at - ${hours} * interval '1 hour',
      expires_at = expires_at - ${hours} * interval '1 hour' where id = ${postId}`),
  );
}

async function setModerationState(tenant: string, postId: string, state: 'visible' | 'hidden' | 'removed') {
  await bed.db.tenant(tenant, (tx) => tx.execute(sql`update posts.posts set moderation_state = ${state} where id = ${postId}`));
}

type Published = {
  postId: string;
  kind: string;
  title: string;
  excerpt: string;
  audience: { kind: string; id: string | null };
  important: boolean;
  authorMemberId: string;
  publishedAt: string;
};
async function publishedEvents(associationId: string): Promise<Published[]> {
  const result = (await bed.db.system((tx) =>
    tx.execute(sql`select payload from posts.outbox where topic = 'post.published' and association_id = ${associationId} order by id`),
  )) as { rows: { payload: Published }[] };
  return result.rows.map((row) => row.payload);
}

describe('posts', () => {
  it('applies its migrations once', async () => {
    expect(await bed.subgraph.migrate()).toEqual([]);
  });

  it('creates a post by the viewer in their association, trimmed, as a bulletin for the whole association', async () => {
    const viewer = viewerIn(randomUUID());
    const post = await bed.contextFor(viewer).posts.createPost(viewer, { title: '  Dugnad  ', body: ' Ta med rake. ' });
    expect(post).toMatchObject({
      associationId: viewer.associationId,
      authorMemberId: viewer.memberId,
      title: 'Dugnad',
      body: 'Ta med rake.',
      kind: 'bulletin',
      audienceKind: 'association',
      important: false,
    });
    expect(post.publishedAt).toBeInstanceOf(Date);
    expect(await feedTitles(viewer)).toEqual(['Dugnad']);
  });

  it('lists newest first, two pages of 2 and 1', async () => {
    const viewer = viewerIn(randomUUID());
    const created = [await publish(viewer, 'First'), await publish(viewer, 'Second'), await publish(viewer, 'Third')];
    // Posts published in the same millisecond are ordered by id, so the expectation sorts the same way.
    const newestFirst = [...created].sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime() || (a.id < b.id ? 1 : -1));
    const { posts: service } = bed.contextFor(viewer);

    const first = await service.listPosts(viewer, { first: 2 });
    expect(first.nodes.map((p) => p.id)).toEqual(newestFirst.slice(0, 2).map((p) => p.id));
    expect(first.pageInfo.hasNextPage).toBe(true);

    const second = await service.listPosts(viewer, { first: 2, after: first.pageInfo.endCursor });
    expect(second.nodes.map((p) => p.id)).toEqual([newestFirst[2]!.id]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('pages through posts published at the same instant without skipping or repeating any', async () => {
    const viewer = viewerIn(randomUUID());
    const publishedAt = new Date('2026-04-25T08:00:00.000Z');
    for (const title of ['A', 'B', 'C']) {
      await bed.subgraph.repository.insertPost(viewer.associationId, {
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
    // Drizzle cannot write sub-millisecond instants from a Date, but now() in PostgreSQL does.
    for (const instant of ['08:00:00.123400', '08:00:00.123300', '08:00:00.123200']) {
      await bed.db.tenant(viewer.associationId, (tx) =>
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
    ['a bulletin body over 20 000 characters', { title: 'Tittel', body: 'x'.repeat(20_001) }, 'body'],
    ['an article body over 100 000 characters', { title: 'Tittel', kind: 'ARTICLE', body: 'x'.repeat(100_001) }, 'body'],
    ['an unknown kind', { title: 'Tittel', body: 'Tekst', kind: 'POEM' }, 'kind'],
    ['a building audience without an id', { title: 'Tittel', body: 'Tekst', audience: { kind: 'BUILDING' } }, 'audience.id'],
    ['an association audience with an id', { title: 'Tittel', body: 'Tekst', audience: { kind: 'ASSOCIATION', id: randomUUID() } }, 'audience.id'],
    ['a publish time in the past', { title: 'Tittel', body: 'Tekst', publishAt: inHours(-1) }, 'publishAt'],
    ['an expiry before the publish time', { title: 'Tittel', body: 'Tekst', publishAt: inHours(2), expiresAt: inHours(1) }, 'expiresAt'],
    ['an expiry in the past', { title: 'Tittel', body: 'Tekst', expiresAt: inHours(-1) }, 'expiresAt'],
  ])('rejects %s as BAD_USER_INPUT on the field', async (_case, input, field) => {
    const viewer = viewerIn(randomUUID());
    await expect(bed.contextFor(viewer).posts.createPost(viewer, input)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field },
    });
    expect(await feedTitles(viewer)).toEqual([]);
  });

  it('rejects a tampered cursor as BAD_USER_INPUT on after', async () => {
    const viewer = viewerIn(randomUUID());
    const cursor = Buffer.from(JSON.stringify(['2026-04-25T08:00:00.000Z', 'not-a-uuid'])).toString('base64url');
    await expect(bed.contextFor(viewer).posts.listPosts(viewer, { first: 2, after: cursor })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
  });

  it('refuses anonymous viewers and lets externals read but not post', async () => {
    const associationId = randomUUID();
    const external = viewerIn(associationId, 'external', { unitIds: [], buildingIds: [] });
    await publish(viewerIn(associationId, 'board'), 'Fra styret');
    const { posts: service } = bed.contextFor(null);

    await expect(service.listPosts(null, { first: 20 })).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(service.createPost(null, { title: 'Hei', body: 'Hei' })).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(await feedTitles(external)).toEqual(['Fra styret']);
    await expect(service.createPost(external, { title: 'Hei', body: 'Hei' })).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
  });

  it('a malformed post id is NOT_FOUND, not a database error', async () => {
    const viewer = viewerIn(randomUUID());
    await expect(byId(viewer, 'not-a-uuid')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });

  describe('kinds', () => {
    const association = randomUUID();
    const resident = viewerIn(association);
    const board = viewerIn(association, 'board');

    it('lets only the board publish news', async () => {
      await expect(publish(resident, 'Nyhet', { kind: 'NEWS' })).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      expect((await publish(board, 'Nyhet fra styret', { kind: 'NEWS' })).kind).toBe('news');
    });

    it('lets residents write bulletins and long articles', async () => {
      const article = await publish(resident, 'Historien om Solbakken', { kind: 'ARTICLE', body: 'Solbakken. '.repeat(9_000) });
      expect(article.kind).toBe('article');
      expect(article.body.length).toBeGreaterThan(20_000);
      const result = await bed.execute(resident, 'query($id: ID!) { post(id: $id) { kind } }', { id: article.id });
      expect(result.data).toEqual({ post: { kind: 'ARTICLE' } });
    });

    it('filters the feed by kind', async () => {
      await publish(resident, 'Oppslag', { kind: 'BULLETIN' });
      const result = await bed.execute(resident, '{ posts(filter: { kind: NEWS }) { nodes { title kind } } }');
      expect(result.data).toEqual({ posts: { nodes: [{ title: 'Nyhet fra styret', kind: 'NEWS' }] } });
    });
  });

  describe('Markdown', () => {
    it('keeps the source, renders sanitised HTML and a plain-text excerpt', async () => {
      const viewer = viewerIn(randomUUID());
      const body = '# Vannet stenges\n\nTirsdag **kl. 09**. <script>alert(1)</script> [Les mer](javascript:alert(1)) <https://vann.example.no>';
      const post = await publish(viewer, 'Vann', { body });
      const result = await bed.execute(viewer, 'query($id: ID!) { post(id: $id) { body bodyHtml excerpt } }', { id: post.id });
      expect(result.errors).toBeUndefined();
      const { body: source, bodyHtml, excerpt } = (result.data as { post: { body: string; bodyHtml: string; excerpt: string } }).post;
      expect(source).toBe(body);
      expect(bodyHtml).toContain('<h1>Vannet stenges</h1>');
      expect(bodyHtml).toContain('<strong>kl. 09</strong>');
      expect(bodyHtml).not.toContain('<script');
      expect(bodyHtml).not.toMatch(/href="javascript:/i);
      expect(bodyHtml).toContain('<a href="https://vann.example.no" rel="nofollow noopener noreferrer">');
      expect(excerpt).toBe('Vannet stenges Tirsdag kl. 09. <script>alert(1)</script> [Les mer](javascript:alert(1)) https://vann.example.no');
    });
  });

  describe('audiences', () => {
    const association = randomUUID();
    const buildingA = randomUUID();
    const buildingB = randomUUID();
    const committee = randomUUID();
    const author = viewerIn(association, 'resident', { buildingIds: [buildingA] });
    const neighbourInA = viewerIn(association, 'resident', { buildingIds: [buildingA] });
    const residentOfB = viewerIn(association, 'resident', { buildingIds: [buildingB] });
    const committeeMember = viewerIn(association, 'resident', { buildingIds: [buildingB], committeeIds: [committee] });
    const external = viewerIn(association, 'external', { unitIds: [], buildingIds: [] });
    const board = viewerIn(association, 'board', { buildingIds: [] });
    let buildingPost: string;
    let boardPost: string;

    beforeAll(async () => {
      buildingPost = (await publish(author, 'Bare for blokk A', { audience: { kind: 'BUILDING', id: buildingA } })).id;
      boardPost = (await publish(board, 'Styrenotat', { audience: { kind: 'BOARD' } })).id;
      await publish(board, 'Komiteen', { audience: { kind: 'COMMITTEE', id: committee } });
      await publish(board, 'For alle');
      const ctx = bed.contextFor(board);
      await ctx.posts.setPinned(board, ctx.loaders, buildingPost, true);
    });

    it('shows each member the posts for the audiences they are in', async () => {
      expect(await feedTitles(author)).toEqual(['For alle', 'Bare for blokk A']);
      expect(await feedTitles(neighbourInA)).toEqual(['For alle', 'Bare for blokk A']);
      expect(await feedTitles(residentOfB)).toEqual(['For alle']);
      expect(await feedTitles(committeeMember)).toEqual(['For alle', 'Komiteen']);
      expect(await feedTitles(external)).toEqual(['For alle']);
      expect(await feedTitles(board)).toEqual(['For alle', 'Komiteen', 'Styrenotat', 'Bare for blokk A']);
    });

    it('hides a building-only post from other buildings through every path', async () => {
      const ctx = bed.contextFor(residentOfB);
      await expect(byId(residentOfB, buildingPost)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      expect(await ctx.loaders.postById.load(buildingPost)).toBeNull();
      expect(await ctx.posts.pinnedPosts(residentOfB)).toEqual([]);
      expect(await ctx.posts.unreadPostCount(residentOfB)).toBe(1);
      const filtered = await ctx.posts.listPosts(residentOfB, { audience: { kind: 'building', id: buildingA } });
      expect(filtered.nodes).toEqual([]);
      const entities = await bed.execute(residentOfB, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Post { title } } }', {
        r: [{ __typename: 'Post', id: buildingPost }],
      });
      expect(entities.data).toEqual({ _entities: [null] });
      for (const mutation of [
        'mutation($id: ID!) { addComment(input: { postId: $id, body: "Hei" }) { comment { id } } }',
        'mutation($id: ID!) { react(input: { targetType: POST, targetId: $id, reaction: LIKE }) { reactions { count } } }',
        'mutation($id: ID!) { markPostRead(input: { postId: $id }) { post { id } } }',
      ]) {
        expect(codes(await bed.execute(residentOfB, mutation, { id: buildingPost }))).toEqual(['NOT_FOUND']);
      }
    });

    it('shows the building-only post through the same paths to its building and the board', async () => {
      for (const viewer of [neighbourInA, board]) {
        expect((await byId(viewer, buildingPost)).title).toBe('Bare for blokk A');
        expect((await bed.contextFor(viewer).posts.pinnedPosts(viewer)).map((p) => p.id)).toEqual([buildingPost]);
        const entities = await bed.execute(viewer, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Post { title audience { kind id } } } }', {
          r: [{ __typename: 'Post', id: buildingPost }],
        });
        expect(entities.data).toEqual({ _entities: [{ title: 'Bare for blokk A', audience: { kind: 'BUILDING', id: buildingA } }] });
      }
      const filtered = await bed.contextFor(neighbourInA).posts.listPosts(neighbourInA, { audience: { kind: 'building', id: buildingA } });
      expect(filtered.nodes.map((p) => p.title)).toEqual(['Bare for blokk A']);
    });

    it('keeps board-only posts from everyone but the board', async () => {
      await expect(byId(committeeMember, boardPost)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      expect((await byId(board, boardPost)).audienceKind).toBe('board');
    });

    it('lets members post only to audiences they are in', async () => {
      await expect(publish(author, 'Til blokk B', { audience: { kind: 'BUILDING', id: buildingB } })).rejects.toMatchObject({
        extensions: { code: 'FORBIDDEN' },
      });
      await expect(publish(author, 'Til styret', { audience: { kind: 'BOARD' } })).rejects.toMatchObject({
        extensions: { code: 'FORBIDDEN' },
      });
      await expect(publish(author, 'Til komiteen', { audience: { kind: 'COMMITTEE', id: committee } })).rejects.toMatchObject({
        extensions: { code: 'FORBIDDEN' },
      });
      expect((await publish(committeeMember, 'Fra komiteen', { audience: { kind: 'COMMITTEE', id: committee } })).audienceId).toBe(committee);
      expect((await publish(board, 'Til blokk B', { audience: { kind: 'BUILDING', id: buildingB } })).audienceId).toBe(buildingB);
    });

    it('takes group memberships from the injected source, asked once per request', async () => {
      const group = randomUUID();
      const asked: string[] = [];
      const source = {
        groupIdsOf: async (viewer: MemberViewer) => (asked.push(viewer.memberId), viewer.memberId === author.memberId ? [group] : []),
        isArchived: async () => false,
        hasGroup: async () => true,
      };
      const service = new PostsService(bed.subgraph.repository, source, bed.subgraph.conduct, new AudienceReferences(EVERY_REFERENCE_EXISTS, source));
      const post = await service.createPost(author, { title: 'Til gruppa', body: 'Hei', audience: { kind: 'GROUP', id: group } });
      await expect(service.createPost(residentOfB, { title: 'Til gruppa', body: 'Hei', audience: { kind: 'GROUP', id: group } })).rejects.toMatchObject({
        extensions: { code: 'FORBIDDEN' },
      });
      expect((await service.listPosts(author, { audience: { kind: 'group', id: group } })).nodes.map((p) => p.id)).toEqual([post.id]);
      expect((await service.listPosts(residentOfB, { audience: { kind: 'group', id: group } })).nodes).toEqual([]);

      asked.length = 0;
      const loaders = createPostsLoaders(bed.subgraph.repository, residentOfB, source);
      expect(await loaders.postById.load(post.id)).toBeNull();
      expect(await loaders.postById.load(buildingPost)).toBeNull();
      expect(asked).toEqual([residentOfB.memberId]);
    });

    it('hides every post from another association', async () => {
      const stranger = viewerIn(randomUUID(), 'board');
      expect(await feedTitles(stranger)).toEqual([]);
      await expect(byId(stranger, buildingPost)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    });
  });

  describe('rules from other domains', () => {
    it('refuses posts to an archived group, whose old posts its members still read', async () => {
      const association = randomUUID();
      const board = viewerIn(association, 'board');
      const ctx = bed.contextFor(board);
      const group = await bed.subgraph.groups.createGroup(board, { kind: 'INTEREST', name: 'Sykkelklubben' });
      const before = await ctx.posts.createPost(board, { title: 'Tur', body: 'Søndag', audience: { kind: 'GROUP', id: group.id } });
      await bed.subgraph.groups.archiveGroup(ctx, { groupId: group.id });
      await expect(
        bed.contextFor(board).posts.createPost(board, { title: 'Ny tur', body: 'Lørdag', audience: { kind: 'GROUP', id: group.id } }),
      ).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
      const page = await bed.contextFor(board).posts.listPosts(board, { audience: { kind: 'group', id: group.id } });
      expect(page.nodes.map((p) => p.id)).toEqual([before.id]);
    });

    it('asks for the current code of conduct before posting, and posts once it is accepted', async () => {
      const association = randomUUID();
      const board = viewerIn(association, 'board');
      const resident = viewerIn(association);
      await bed.subgraph.conduct.publish(board, { body: 'Vær snill med naboene.' });
      await expect(publish(resident, 'Hei')).rejects.toMatchObject({
        extensions: { code: 'FORBIDDEN', reason: 'CODE_OF_CONDUCT_NOT_ACCEPTED', version: 1 },
      });
      await bed.subgraph.conduct.accept(resident, { version: 1 });
      expect((await publish(resident, 'Hei')).title).toBe('Hei');
    });
  });

  describe('scheduling and expiry', () => {
    const association = randomUUID();
    const author = viewerIn(association);
    const otherResident = viewerIn(association);
    const board = viewerIn(association, 'board');
    let scheduled: string;

    beforeAll(async () => {
      scheduled = (await publish(author, 'Planlagt', { publishAt: inHours(2), expiresAt: inHours(5) })).id;
    });

    it('keeps a scheduled post out of every feed until its time', async () => {
      for (const viewer of [author, otherResident, board]) expect(await feedTitles(viewer)).not.toContain('Planlagt');
    });

    it('shows it to its author and the board by id and in scheduledPosts', async () => {
      await expect(byId(otherResident, scheduled)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      for (const viewer of [author, board]) {
        expect((await byId(viewer, scheduled)).title).toBe('Planlagt');
        expect((await bed.contextFor(viewer).posts.scheduledPosts(viewer, 20, null)).nodes.map((p) => p.id)).toEqual([scheduled]);
      }
      expect((await bed.contextFor(otherResident).posts.scheduledPosts(otherResident, 20, null)).nodes).toEqual([]);
    });

    it('lets the author move the publish time only before publishing', async () => {
      const ctx = bed.contextFor(author);
      const moved = await ctx.posts.updatePost(author, ctx.loaders, { postId: scheduled, publishAt: inHours(3) });
      expect(moved.publishedAt.getTime()).toBeGreaterThan(inHours(2.5).getTime());
      await expect(ctx.posts.updatePost(author, ctx.loaders, { postId: scheduled, publishAt: inHours(-1) })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'publishAt' },
      });
      await expect(ctx.posts.updatePost(author, ctx.loaders, { postId: scheduled, publishAt: inHours(6) })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'expiresAt' },
      });
      const published = await publish(author, 'Allerede ute');
      await expect(ctx.posts.updatePost(author, ctx.loaders, { postId: published.id, publishAt: inHours(1) })).rejects.toMatchObject({
        extensions: { code: 'CONFLICT' },
      });
    });

    it('puts it in the feed once its time has come, and takes it out when it expires', async () => {
      await letTimePass(association, scheduled, 3.5);
      expect(await feedTitles(otherResident)).toContain('Planlagt');
      expect(await bed.contextFor(author).posts.scheduledPosts(author, 20, null)).toMatchObject({ nodes: [] });
      await letTimePass(association, scheduled, 2);
      for (const viewer of [author, otherResident, board]) expect(await feedTitles(viewer)).not.toContain('Planlagt');
      // An expired post stays readable by id, e.g. from a notification.
      expect((await byId(otherResident, scheduled)).title).toBe('Planlagt');
    });
  });

  describe('post.published', () => {
    it('is written once with the post when it is published now', async () => {
      const board = viewerIn(randomUUID(), 'board');
      const post = await publish(board, 'Viktig', { kind: 'NEWS', important: true, body: '**Vannet** stenges.' });
      expect(await publishedEvents(board.associationId)).toEqual([
        {
          postId: post.id,
          kind: 'news',
          title: 'Viktig',
          excerpt: 'Vannet stenges.',
          audience: { kind: 'association', id: null },
          important: true,
          authorMemberId: board.memberId,
          publishedAt: post.publishedAt.toISOString(),
        },
      ]);
      await bed.subgraph.posts.announceDuePosts();
      expect(await publishedEvents(board.associationId)).toHaveLength(1);
    });

    it('is written for a scheduled post by the announcer once its time has come, exactly once', async () => {
      const building = randomUUID();
      const author = viewerIn(randomUUID(), 'resident', { buildingIds: [building] });
      const post = await publish(author, 'Senere', { publishAt: inHours(1), audience: { kind: 'BUILDING', id: building } });
      await bed.subgraph.posts.announceDuePosts();
      expect(await publishedEvents(author.associationId)).toEqual([]);

      await letTimePass(author.associationId, post.id, 2);
      await Promise.all([bed.subgraph.posts.announceDuePosts(), bed.subgraph.posts.announceDuePosts()]);
      await bed.subgraph.posts.announceDuePosts();
      const events = await publishedEvents(author.associationId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ postId: post.id, audience: { kind: 'building', id: building }, important: false });
    });

    it('waits while a due post is hidden, and goes out once it is visible again', async () => {
      const author = viewerIn(randomUUID());
      const post = await publish(author, 'Skjult', { publishAt: inHours(1) });
      await setModerationState(author.associationId, post.id, 'hidden');
      await letTimePass(author.associationId, post.id, 2);
      await bed.subgraph.posts.announceDuePosts();
      expect(await publishedEvents(author.associationId)).toEqual([]);
      await setModerationState(author.associationId, post.id, 'visible');
      await bed.subgraph.posts.announceDuePosts();
      expect((await publishedEvents(author.associationId)).map((e) => e.postId)).toEqual([post.id]);
    });
  });

  describe("while the author's processing is restricted (decision 0038)", () => {
    const restricted = new Set<string>();
    const source = { groupIdsOf: async () => [], isArchived: async () => false, hasGroup: async () => true };
    const restrictions = { isRestricted: async (_associationId: string, memberId: string) => restricted.has(memberId) };
    const service = () =>
      new PostsService(bed.subgraph.repository, source, bed.subgraph.conduct, new AudienceReferences(EVERY_REFERENCE_EXISTS, source), restrictions);

    it('refuses changing a post others see (FORBIDDEN, PROCESSING_RESTRICTED), and still lets the author edit a withheld one', async () => {
      const author = viewerIn(randomUUID());
      const neighbour = viewerIn(author.associationId);
      const shown = await service().createPost(author, { title: 'Skrevet før', body: 'Tekst' });
      restricted.add(author.memberId);
      await expect(service().updatePost(author, bed.contextFor(author).loaders, { postId: shown.id, title: 'Endret etter' })).rejects.toMatchObject({
        extensions: { code: 'FORBIDDEN', reason: 'PROCESSING_RESTRICTED' },
      });
      expect(await feedTitles(neighbour)).toEqual(['Skrevet før']);
      const withheld = await service().createPost(author, { title: 'Holdt tilbake', body: 'Tekst' });
      expect((await service().updatePost(author, bed.contextFor(author).loaders, { postId: withheld.id, title: 'Rettet' })).title).toBe('Rettet');
      expect(await feedTitles(neighbour)).toEqual(['Skrevet før']);
    });

    it('withholds a post scheduled before the restriction when its time comes: announced to nobody, shown to its author alone', async () => {
      const author = viewerIn(randomUUID());
      const neighbour = viewerIn(author.associationId);
      const post = await service().createPost(author, { title: 'Planlagt', body: 'Tekst', publishAt: inHours(1) });
      restricted.add(author.memberId);
      await letTimePass(author.associationId, post.id, 2);
      await service().announceDuePosts();
      expect(await publishedEvents(author.associationId)).toEqual([]);
      expect(await feedTitles(neighbour)).toEqual([]);
      expect(await feedTitles(author)).toEqual(['Planlagt']);
    });

    it('keeps a due post waiting while privacy cannot say whether its author is restricted, and announces the others', async () => {
      const [down, up] = [viewerIn(randomUUID()), viewerIn(randomUUID())];
      const unsure = {
        isRestricted: async (associationId: string) => {
          if (associationId === down.associationId) throw new ServiceUnavailable("privacy's privacy/states answered HTTP 503");
          return false;
        },
      };
      const announcer = () =>
        new PostsService(bed.subgraph.repository, source, bed.subgraph.conduct, new AudienceReferences(EVERY_REFERENCE_EXISTS, source), unsure);
      const waiting = await service().createPost(down, { title: 'Venter', body: 'Tekst', publishAt: inHours(1) });
      const going = await service().createPost(up, { title: 'Går ut', body: 'Tekst', publishAt: inHours(1) });
      await letTimePass(down.associationId, waiting.id, 2);
      await letTimePass(up.associationId, going.id, 2);
      await announcer().announceDuePosts();
      expect(await publishedEvents(down.associationId)).toEqual([]);
      expect(await publishedEvents(up.associationId)).toHaveLength(1);
      // privacy is back: the post that waited goes out now
      await service().announceDuePosts();
      expect(await publishedEvents(down.associationId)).toHaveLength(1);
    });
  });

  describe('pinning and important notices', () => {
    const association = randomUUID();
    const resident = viewerIn(association);
    const board = viewerIn(association, 'board');

    it('lets the board pin and unpin; pinnedPosts lists the newest pin first; the feed keeps publish order', async () => {
      const older = await publish(resident, 'Eldre');
      const newer = await publish(resident, 'Nyere');
      const ctx = bed.contextFor(board);
      await ctx.posts.setPinned(board, ctx.loaders, newer.id, true);
      await ctx.posts.setPinned(board, ctx.loaders, older.id, true);
      const pinned = await bed.contextFor(resident).posts.pinnedPosts(resident);
      expect(pinned.map((p) => p.title)).toEqual(['Eldre', 'Nyere']);
      expect(await feedTitles(resident)).toEqual(['Nyere', 'Eldre']);

      const unpinned = await bed.execute(board, 'mutation($id: ID!) { unpinPost(input: { postId: $id }) { post { pinnedAt } } }', { id: older.id });
      expect(unpinned.data).toEqual({ unpinPost: { post: { pinnedAt: null } } });
      expect((await bed.contextFor(resident).posts.pinnedPosts(resident)).map((p) => p.title)).toEqual(['Nyere']);
    });

    it('refuses pinning to everyone but the board', async () => {
      const post = await publish(resident, 'Min');
      const result = await bed.execute(resident, 'mutation($id: ID!) { pinPost(input: { postId: $id }) { post { id } } }', { id: post.id });
      expect(codes(result)).toEqual(['FORBIDDEN']);
    });

    it('lets only the board mark a post important, on create and on edit', async () => {
      await expect(publish(resident, 'Viktig?', { important: true })).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      const own = await publish(resident, 'Vanlig');
      const ctx = bed.contextFor(resident);
      await expect(ctx.posts.updatePost(resident, ctx.loaders, { postId: own.id, important: true })).rejects.toMatchObject({
        extensions: { code: 'FORBIDDEN' },
      });
      const result = await bed.execute(
        board,
        'mutation { createPost(input: { title: "Viktig", body: "Les", kind: NEWS, important: true }) { post { important kind } } }',
      );
      expect(result.data).toEqual({ createPost: { post: { important: true, kind: 'NEWS' } } });
    });

    it('filters the feed to important notices or the others, and leaves out pinned posts for a home screen that shows them above', async () => {
      const own = randomUUID();
      const [ownResident, ownBoard] = [viewerIn(own), viewerIn(own, 'board')];
      await publish(ownResident, 'Sykkel');
      const notice = await publish(ownBoard, 'Vannet stenges', { kind: 'NEWS', important: true });
      const pinned = await publish(ownBoard, 'Husordensregler', { kind: 'NEWS' });
      await bed.contextFor(ownBoard).posts.setPinned(ownBoard, bed.contextFor(ownBoard).loaders, pinned.id, true);
      const feed = `query($filter: PostFilter) { posts(filter: $filter) { nodes { title viewerCanEdit viewerCanDelete viewerCanPin viewerCanComment } } }`;
      const titles = async (filter: Record<string, unknown>) =>
        (await bed.execute<{ posts: { nodes: { title: string }[] } }>(ownResident, feed, { filter })).data!.posts.nodes.map((p) => p.title);
      expect(await titles({ important: true })).toEqual(['Vannet stenges']);
      expect(await titles({ important: false })).toEqual(['Husordensregler', 'Sykkel']);
      expect(await titles({ excludePinned: true })).toEqual(['Vannet stenges', 'Sykkel']);
      expect(await titles({ important: false, excludePinned: true })).toEqual(['Sykkel']);
      expect(await titles({})).toEqual(['Husordensregler', 'Vannet stenges', 'Sykkel']);

      // The flags on the same page: the resident's own post is theirs to edit and delete, the board's notice is not.
      const flags = (await bed.execute<{ posts: { nodes: Record<string, unknown>[] } }>(ownResident, feed, {})).data!.posts.nodes;
      expect(flags.find((p) => p.title === 'Sykkel')).toEqual({
        title: 'Sykkel',
        viewerCanEdit: true,
        viewerCanDelete: true,
        viewerCanPin: false,
        viewerCanComment: true,
      });
      expect(flags.find((p) => p.id === notice.id || p.title === 'Vannet stenges')).toMatchObject({ viewerCanEdit: false, viewerCanDelete: false });
      const asBoard = (await bed.execute<{ posts: { nodes: Record<string, unknown>[] } }>(ownBoard, feed, {})).data!.posts.nodes;
      expect(asBoard.find((p) => p.title === 'Sykkel')).toMatchObject({ viewerCanEdit: false, viewerCanDelete: false, viewerCanPin: true });
      const external = viewerIn(own, 'external');
      const asExternal = (await bed.execute<{ posts: { nodes: Record<string, unknown>[] } }>(external, feed, {})).data!.posts.nodes;
      expect(asExternal.every((p) => p.viewerCanComment === false && p.viewerCanEdit === false)).toBe(true);
    });
  });

  describe('editing and deleting', () => {
    const association = randomUUID();
    const author = viewerIn(association);
    const neighbour = viewerIn(association);
    const board = viewerIn(association, 'board');

    it('lets only the author edit, and marks the post edited', async () => {
      const post = await publish(author, 'Sykkelbod', { expiresAt: inHours(24) });
      for (const viewer of [neighbour, board]) {
        const ctx = bed.contextFor(viewer);
        await expect(ctx.posts.updatePost(viewer, ctx.loaders, { postId: post.id, title: 'Kapret' })).rejects.toMatchObject({
          extensions: { code: 'FORBIDDEN' },
        });
      }
      const result = await bed.execute(
        author,
        'mutation($id: ID!) { updatePost(input: { postId: $id, title: " Sykkelboden ", body: "Ny *tekst*", expiresAt: null }) { post { title body bodyHtml expiresAt editedAt } } }',
        { id: post.id },
      );
      expect(result.errors).toBeUndefined();
      const updated = (result.data as { updatePost: { post: Record<string, unknown> } }).updatePost.post;
      expect(updated).toMatchObject({ title: 'Sykkelboden', body: 'Ny *tekst*', bodyHtml: '<p>Ny <em>tekst</em></p>\n', expiresAt: null });
      expect(updated.editedAt).toEqual(expect.any(Date));
    });

    it('checks the new audience and the body limit of the kind', async () => {
      const post = await publish(author, 'Flytter');
      const ctx = bed.contextFor(author);
      await expect(ctx.posts.updatePost(author, ctx.loaders, { postId: post.id, audience: { kind: 'BOARD' } })).rejects.toMatchObject({
        extensions: { code: 'FORBIDDEN' },
      });
      await expect(ctx.posts.updatePost(author, ctx.loaders, { postId: post.id, body: 'x'.repeat(20_001) })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'body' },
      });
      const building = author.scope!.buildingIds[0]!;
      const moved = await ctx.posts.updatePost(author, ctx.loaders, { postId: post.id, audience: { kind: 'BUILDING', id: building } });
      expect(moved).toMatchObject({ audienceKind: 'building', audienceId: building });
      expect(await feedTitles(neighbour)).not.toContain('Flytter');
    });

    it('lets the author delete: the post leaves every read but the board', async () => {
      const post = await publish(author, 'Angrer');
      const otherCtx = bed.contextFor(neighbour);
      await expect(otherCtx.posts.deletePost(neighbour, otherCtx.loaders, post.id)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      const result = await bed.execute(author, 'mutation($id: ID!) { deletePost(input: { postId: $id }) { post { moderationState } } }', { id: post.id });
      expect(result.data).toEqual({ deletePost: { post: { moderationState: 'REMOVED' } } });
      for (const viewer of [author, neighbour]) {
        expect(await feedTitles(viewer)).not.toContain('Angrer');
        await expect(byId(viewer, post.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      }
      expect((await byId(board, post.id)).moderationState).toBe('removed');
    });

    it("sends the board to moderation to remove someone else's post", async () => {
      const post = await publish(neighbour, 'Spam');
      const ctx = bed.contextFor(board);
      await expect(ctx.posts.deletePost(board, ctx.loaders, post.id)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      await ctx.moderation.moderateContent(ctx, { targetType: 'POST', targetId: post.id, action: 'REMOVE', reason: 'Reklame' });
      expect(await feedTitles(author)).not.toContain('Spam');
      expect(await feedTitles(board)).not.toContain('Spam');
    });

    it('never lets moderation restore a post its author deleted', async () => {
      const post = await publish(neighbour, 'Angret');
      const own = bed.contextFor(neighbour);
      await own.posts.deletePost(neighbour, own.loaders, post.id);
      const ctx = bed.contextFor(board);
      await expect(ctx.moderation.moderateContent(ctx, { targetType: 'POST', targetId: post.id, action: 'RESTORE', reason: 'Feil' })).rejects.toMatchObject({
        extensions: { code: 'CONFLICT' },
      });
      expect(await feedTitles(neighbour)).not.toContain('Angret');
    });

    it('shows a hidden post only to its author and the board', async () => {
      const post = await publish(author, 'Rapportert');
      await setModerationState(association, post.id, 'hidden');
      expect(await feedTitles(neighbour)).not.toContain('Rapportert');
      await expect(byId(neighbour, post.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      for (const viewer of [author, board]) {
        expect(await feedTitles(viewer)).toContain('Rapportert');
        expect((await byId(viewer, post.id)).moderationState).toBe('hidden');
      }
      const ctx = bed.contextFor(author);
      await expect(ctx.posts.updatePost(author, ctx.loaders, { postId: post.id, body: 'Nå er det greit' })).rejects.toMatchObject({
        extensions: { code: 'CONFLICT' },
      });
    });
  });

  describe('read tracking', () => {
    const association = randomUUID();
    const author = viewerIn(association);
    const readers = [viewerIn(association), viewerIn(association), viewerIn(association, 'external', { unitIds: [], buildingIds: [] })];
    const board = viewerIn(association, 'board');
    let notice: string;

    beforeAll(async () => {
      notice = (await publish(board, 'Strømbrudd', { kind: 'NEWS', important: true })).id;
      await publish(author, 'Loppemarked');
    });

    const markRead = (viewer: Viewer, id = notice) =>
      bed.execute(viewer, 'mutation($id: ID!) { markPostRead(input: { postId: $id }) { post { viewerHasRead } } }', { id });

    it('marks a post read, idempotently, and counts what is unread', async () => {
      const reader = readers[0]!;
      expect(await bed.contextFor(reader).posts.unreadPostCount(reader)).toBe(2);
      expect((await markRead(reader)).data).toEqual({ markPostRead: { post: { viewerHasRead: true } } });
      expect((await markRead(reader)).data).toEqual({ markPostRead: { post: { viewerHasRead: true } } });
      expect(await bed.contextFor(reader).posts.unreadPostCount(reader)).toBe(1);
      const feed = await bed.execute(reader, '{ posts { nodes { title viewerHasRead } } unread: posts(filter: { unreadOnly: true }) { nodes { title } } }');
      expect(feed.data).toEqual({
        posts: {
          nodes: [
            { title: 'Loppemarked', viewerHasRead: false },
            { title: 'Strømbrudd', viewerHasRead: true },
          ],
        },
        unread: { nodes: [{ title: 'Loppemarked' }] },
      });
    });

    it('shows the reach to the board and the author only', async () => {
      await markRead(readers[1]!);
      await markRead(readers[2]!);
      const reach =
        '{ posts(filter: { kind: NEWS }) { nodes { readCount readers(first: 2) { nodes { member { id } readAt } pageInfo { hasNextPage endCursor } } } } }';
      const asBoard = await bed.execute(board, reach);
      expect(asBoard.errors).toBeUndefined();
      const node = (
        asBoard.data as {
          posts: { nodes: { readCount: number; readers: { nodes: { member: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }[] };
        }
      ).posts.nodes[0]!;
      expect(node.readCount).toBe(3);
      expect(node.readers.nodes.map((r) => r.member.id)).toEqual([readers[0]!.memberId, readers[1]!.memberId]);
      expect(node.readers.pageInfo.hasNextPage).toBe(true);
      const rest = await bed.execute(board, 'query($id: ID!, $after: String) { post(id: $id) { readers(after: $after) { nodes { member { id } } } } }', {
        id: notice,
        after: node.readers.pageInfo.endCursor,
      });
      expect(rest.data).toEqual({ post: { readers: { nodes: [{ member: { id: readers[2]!.memberId } }] } } });

      const asResident = await bed.execute(readers[0]!, reach);
      expect(asResident.data).toEqual({ posts: { nodes: [{ readCount: null, readers: null }] } });
      const ownPost = await bed.execute(author, '{ posts(filter: { kind: BULLETIN }) { nodes { readCount readers { nodes { readAt } } } } }');
      expect(ownPost.data).toEqual({ posts: { nodes: [{ readCount: 0, readers: { nodes: [] } }] } });
    });
  });

  describe('the feed query count', () => {
    const association = randomUUID();
    const reader = viewerIn(association);

    beforeAll(async () => {
      const writers = [viewerIn(association, 'board'), viewerIn(association), viewerIn(association)];
      for (let i = 0; i < 100; i++) {
        const post = await publish(writers[i % 3]!, `Innlegg ${i}`, { body: `**Innlegg** nummer ${i}`, kind: i % 3 === 0 ? 'NEWS' : 'ARTICLE' });
        const ctx = bed.contextFor(reader);
        if (i % 2 === 0) await ctx.posts.markPostRead(reader, ctx.loaders, post.id);
        await ctx.comments.react(ctx, { targetType: 'POST', targetId: post.id, reaction: 'LIKE' });
      }
    });

    const feed = `query($first: Int) { posts(first: $first) { nodes { id kind audience { kind id } author { id } bodyHtml excerpt viewerHasRead
      commentCount reactions { reaction count } viewerReactions readCount } } }`;

    it('costs the same number of SQL statements for a page of 20 or of 100 posts', async () => {
      const cost = async (first: number) => {
        const before = bed.db.queryCount;
        const result = await bed.execute(reader, feed, { first });
        expect(result.errors).toBeUndefined();
        const nodes = (result.data!.posts as { nodes: { viewerHasRead: boolean; viewerReactions: string[]; bodyHtml: string }[] }).nodes;
        expect(nodes).toHaveLength(first);
        expect(nodes.filter((post) => post.viewerHasRead)).toHaveLength(first / 2);
        expect(nodes.every((post) => post.viewerReactions.includes('LIKE') && post.bodyHtml.includes('<strong>'))).toBe(true);
        return bed.db.queryCount - before;
      };
      const twenty = await cost(20);
      expect(twenty).toBeGreaterThan(0);
      expect(await cost(100)).toBe(twenty);
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
      expect((await byId(viewerA, postOfA)).title).toBe('Bare for A');
    });

    it('hides it from another association: not listed, not loaded, NOT_FOUND, not pinnable or readable', async () => {
      const ctx = bed.contextFor(viewerB);
      expect((await ctx.posts.listPosts(viewerB, { first: 20 })).nodes).toEqual([]);
      expect(await ctx.loaders.postById.load(postOfA)).toBeNull();
      await expect(ctx.posts.post(viewerB, ctx.loaders, postOfA)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      await expect(ctx.posts.setPinned(viewerB, ctx.loaders, postOfA, true)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      await expect(ctx.posts.markPostRead(viewerB, ctx.loaders, postOfA)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      await expect(ctx.posts.deletePost(viewerB, ctx.loaders, postOfA)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    });

    it('hides it from anonymous viewers', async () => {
      expect(await bed.contextFor(null).loaders.postById.load(postOfA)).toBeNull();
    });

    it("the repository finds nothing of A's under tenant B", async () => {
      expect(await bed.subgraph.repository.findPosts(associationB, [postOfA])).toEqual([]);
    });

    it('row-level security hides it even from SQL that does not filter by association', async () => {
      const visibleToB = await bed.db.tenant(associationB, (tx) => tx.select().from(posts));
      expect(visibleToB).toEqual([]);
      const visibleToA = await bed.db.tenant(associationA, (tx) => tx.select().from(posts));
      expect(visibleToA.map((p) => p.id)).toEqual([postOfA]);
    });
  });
});
