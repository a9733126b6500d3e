import { randomUUID } from 'node:crypto';
import type { MemberViewer, Viewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { openPostsTestBed, viewerIn, type PostsTestBed } from '../posts.fixtures';

let bed: PostsTestBed;

beforeAll(async () => {
  bed = await openPostsTestBed();
});

afterAll(() => bed.close());

/** One association with an author, a board member and residents of households A (two members), B, C and D. */
function association() {
  const id = randomUUID();
  const [unitA, unitB, unitC, unitD] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  return {
    id,
    author: viewerIn(id),
    board: viewerIn(id, 'board'),
    a1: viewerIn(id, 'resident', { unitIds: [unitA] }),
    a2: viewerIn(id, 'resident', { unitIds: [unitA] }),
    b: viewerIn(id, 'resident', { unitIds: [unitB] }),
    c: viewerIn(id, 'resident', { unitIds: [unitC] }),
    d: viewerIn(id, 'resident', { unitIds: [unitD] }),
    caretaker: viewerIn(id, 'external', { unitIds: [] }),
  };
}

const publish = (author: MemberViewer, title = 'Til salgs', body = 'Billige solbriller, ring meg!') =>
  bed.subgraph.repository.insertPost(author.associationId, { id: randomUUID(), authorMemberId: author.memberId, title, body });
const comment = (author: MemberViewer, postId: string, body = 'Dette er tull.') => bed.subgraph.comments.addComment(bed.contextFor(author), { postId, body });
const report = (viewer: Viewer | null, targetType: 'POST' | 'COMMENT', targetId: string, reason = 'SPAM', note?: string) =>
  bed.subgraph.moderation.reportContent(bed.contextFor(viewer), { targetType, targetId, reason, note });
const resolve = (board: Viewer, input: Record<string, unknown>) => bed.subgraph.moderation.resolveCase(bed.contextFor(board), input);
const moderate = (board: Viewer, targetType: 'POST' | 'COMMENT', targetId: string, action: string, reason = 'Brudd på god skikk') =>
  bed.subgraph.moderation.moderateContent(bed.contextFor(board), { targetType, targetId, action, reason });
const openCases = async (board: Viewer) => (await bed.subgraph.moderation.queue(bed.contextFor(board), 'OPEN', 100, null)).nodes;

type Thread = { post: { comments: { nodes: { body: string | null; moderation: unknown }[] } } };
type Page = { moderationQueue: { nodes: { targetId: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };

async function events(associationId: string, topic: string) {
  const result = (await bed.db.system((tx) =>
    tx.execute(sql`select payload from posts.outbox where topic = ${topic} and association_id = ${associationId} order by id`),
  )) as { rows: { payload: Record<string, unknown> }[] };
  return result.rows.map((row) => row.payload);
}

const postModeration = async (viewer: Viewer, postId: string) =>
  (await bed.execute(viewer, 'query($id: ID!) { post(id: $id) { moderation { state reason decidedAt } } }', { id: postId })).data?.post;

describe('reports and the automatic hide', () => {
  it('hides a post once three distinct households report it; two members of one household count once', async () => {
    const x = association();
    const post = await publish(x.author);
    await report(x.a1, 'POST', post.id, 'SPAM', 'Reklame igjen');
    await report(x.a2, 'POST', post.id, 'OFFENSIVE');
    await report(x.b, 'POST', post.id);
    expect((await openCases(x.board)).map((c) => c.householdCount)).toEqual([2]);
    expect(await postModeration(x.author, post.id)).toEqual({ moderation: { state: 'VISIBLE', reason: null, decidedAt: null } });

    await report(x.c, 'POST', post.id);
    const [hidden] = await openCases(x.board);
    expect(hidden).toMatchObject({ householdCount: 3, targetType: 'POST', targetId: post.id, authorMemberId: x.author.memberId });
    expect(await postModeration(x.author, post.id)).toEqual({
      moderation: { state: 'HIDDEN', reason: 'Reported by 3 households; hidden until the board has reviewed it.', decidedAt: expect.anything() },
    });
    expect(await postModeration(x.board, post.id)).toMatchObject({ moderation: { state: 'HIDDEN' } });

    const reported = await events(x.id, 'content.reported');
    expect(reported.map((e) => [e.householdCount, e.hidden])).toEqual([
      [1, false],
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(reported[0]).toEqual({ caseId: hidden!.id, targetType: 'POST', targetId: post.id, reason: 'SPAM', householdCount: 1, hidden: false });
    expect(await events(x.id, 'content.moderated')).toEqual([
      {
        recipients: [x.author.memberId],
        action: 'HIDE',
        reason: 'Reported by 3 households; hidden until the board has reviewed it.',
        targetType: 'POST',
        targetId: post.id,
        postId: post.id,
        caseId: hidden!.id,
      },
    ]);
  });

  it('hides the post from other residents and stops counting further reports towards another hide', async () => {
    const x = association();
    await bed.subgraph.moderation.updateSettings(x.board, { reportThreshold: 1 });
    const post = await publish(x.author);
    await report(x.a1, 'POST', post.id);
    expect(await postModeration(x.b, post.id)).toBeFalsy();
    await expect(report(x.b, 'POST', post.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await report(x.board, 'POST', post.id);
    expect(await events(x.id, 'content.moderated')).toHaveLength(1);
    expect((await openCases(x.board))[0]).toMatchObject({ householdCount: 2 });
  });

  it('counts concurrent reports exactly and hides the content once', async () => {
    const x = association();
    const post = await publish(x.author);
    await Promise.all(Array.from({ length: 6 }, () => report(viewerIn(x.id), 'POST', post.id)));
    expect(await openCases(x.board)).toEqual([expect.objectContaining({ householdCount: 6 })]);
    expect(await events(x.id, 'content.moderated')).toHaveLength(1);
  });

  it('answers a second report by the same member with the first one, counting nothing twice', async () => {
    const x = association();
    const post = await publish(x.author);
    const first = await report(x.b, 'POST', post.id, 'SPAM', 'Reklame');
    const again = await report(x.b, 'POST', post.id, 'ILLEGAL', 'Annet');
    expect(again).toEqual(first);
    expect(again).toMatchObject({ reason: 'SPAM', note: 'Reklame', reporterMemberId: x.b.memberId });
    expect(await events(x.id, 'content.reported')).toHaveLength(1);
    expect((await openCases(x.board))[0]).toMatchObject({ householdCount: 1 });
  });

  it('counts a member without a unit as a household of their own', async () => {
    const x = association();
    await bed.subgraph.moderation.updateSettings(x.board, { reportThreshold: 2 });
    const post = await publish(x.author);
    await report(viewerIn(x.id, 'resident', { unitIds: [] }), 'POST', post.id);
    await report(viewerIn(x.id, 'resident', { unitIds: [] }), 'POST', post.id);
    expect(await postModeration(x.author, post.id)).toMatchObject({ moderation: { state: 'HIDDEN' } });
  });

  it('uses the threshold the board sets, within 1–20', async () => {
    const x = association();
    expect(await bed.subgraph.moderation.settings(x.board)).toEqual({ reportThreshold: 3 });
    expect(await bed.subgraph.moderation.updateSettings(x.board, { reportThreshold: 2 })).toEqual({ reportThreshold: 2 });
    expect(await bed.subgraph.moderation.settings(x.board)).toEqual({ reportThreshold: 2 });
    for (const reportThreshold of [0, 21, 2.5]) {
      await expect(bed.subgraph.moderation.updateSettings(x.board, { reportThreshold })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'reportThreshold' },
      });
    }
    const post = await publish(x.author);
    await report(x.a1, 'POST', post.id);
    await report(x.b, 'POST', post.id);
    expect(await postModeration(x.author, post.id)).toMatchObject({ moderation: { state: 'HIDDEN' } });
    // Another association keeps its own default.
    expect(await bed.subgraph.moderation.settings(association().board)).toEqual({ reportThreshold: 3 });
  });

  it('refuses what the viewer cannot see, their own words, and those who may not report', async () => {
    const x = association();
    const y = association();
    const post = await publish(x.author);
    const theirs = await publish(y.author);
    await expect(report(x.b, 'POST', theirs.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(report(x.b, 'POST', 'not-an-id')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(report(x.b, 'COMMENT', post.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(report(x.author, 'POST', post.id)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'targetId' } });
    await expect(report(x.caretaker, 'POST', post.id)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(report(null, 'POST', post.id)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(report(x.b, 'POST', post.id, 'RUDE')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'reason' } });
    await expect(report(x.b, 'POST', post.id, 'OTHER', 'x'.repeat(1001))).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'note' } });
    const removed = await publish(x.author);
    await moderate(x.board, 'POST', removed.id, 'REMOVE');
    await expect(report(x.b, 'POST', removed.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(await events(x.id, 'content.reported')).toEqual([]);
  });
});

describe("the board's decisions", () => {
  async function hiddenPost() {
    const x = association();
    await bed.subgraph.moderation.updateSettings(x.board, { reportThreshold: 2 });
    const post = await publish(x.author);
    await report(x.a1, 'POST', post.id, 'OFFENSIVE', 'Sjikane');
    await report(x.b, 'POST', post.id, 'OFFENSIVE');
    const [found] = await openCases(x.board);
    return { x, post, found: found! };
  }

  it('restores hidden content: the case is resolved, the author is told why, and later reports open a new case', async () => {
    const { x, post, found } = await hiddenPost();
    const resolved = await resolve(x.board, { caseId: found.id, decision: 'RESTORE', reason: 'Innenfor god skikk.' });
    expect(resolved).toMatchObject({
      id: found.id,
      status: 'RESOLVED',
      decision: 'RESTORE',
      resolvedByMemberId: x.board.memberId,
      resolvedAt: expect.any(Date),
    });
    expect(await postModeration(x.author, post.id)).toMatchObject({ moderation: { state: 'VISIBLE', reason: 'Innenfor god skikk.' } });
    expect(await postModeration(x.c, post.id)).toEqual({ moderation: null });
    expect((await events(x.id, 'content.moderated')).map((e) => [e.action, e.reason, e.recipients])).toEqual([
      ['HIDE', 'Reported by 2 households; hidden until the board has reviewed it.', [x.author.memberId]],
      ['RESTORE', 'Innenfor god skikk.', [x.author.memberId]],
    ]);
    await expect(resolve(x.board, { caseId: found.id, decision: 'REMOVE', reason: 'Likevel' })).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });

    // Those who reported before count for nothing new; a new household opens a new case.
    await report(x.a2, 'POST', post.id);
    await report(x.a1, 'POST', post.id);
    const [reopened] = await openCases(x.board);
    expect(reopened).toMatchObject({ householdCount: 1 });
    expect(reopened!.id).not.toBe(found.id);
    expect(await postModeration(x.author, post.id)).toMatchObject({ moderation: { state: 'VISIBLE' } });
  });

  it('removes content and asks the members subgraph to suspend its author, logging both', async () => {
    const { x, found } = await hiddenPost();
    await resolve(x.board, {
      caseId: found.id,
      decision: 'REMOVE',
      reason: 'Sjikane av naboer.',
      suspendAuthor: { reason: 'Gjentatt sjikane på Tunet', until: '2099-01-31' },
    });
    const settled = await bed.execute(x.board, 'query($id: ID!) { moderationCase(id: $id) { state } }', { id: found.id });
    expect(settled.data).toEqual({ moderationCase: { state: 'REMOVED' } });
    expect(await events(x.id, 'moderation.suspension_requested')).toEqual([
      {
        associationId: x.id,
        memberId: x.author.memberId,
        reason: 'Gjentatt sjikane på Tunet',
        until: '2099-01-31',
        requestedByMemberId: x.board.memberId,
        caseId: found.id,
      },
    ]);
    const log = await bed.execute<{ moderationLog: { nodes: unknown[] } }>(
      x.board,
      '{ moderationLog { nodes { caseId action reason suspendedUntil actor { id } } } }',
    );
    expect(log.errors).toBeUndefined();
    const [latest, same, earliest] = log.data!.moderationLog.nodes;
    // The decision and the suspension are one act at one instant, so the log does not order them.
    expect([latest, same]).toEqual(
      expect.arrayContaining([
        { caseId: found.id, action: 'SUSPEND_AUTHOR', reason: 'Gjentatt sjikane på Tunet', suspendedUntil: '2099-01-31', actor: { id: x.board.memberId } },
        { caseId: found.id, action: 'REMOVE', reason: 'Sjikane av naboer.', suspendedUntil: null, actor: { id: x.board.memberId } },
      ]),
    );
    expect(earliest).toEqual({
      caseId: found.id,
      action: 'HIDE',
      reason: 'Reported by 2 households; hidden until the board has reviewed it.',
      suspendedUntil: null,
      actor: null,
    });
    expect(log.data!.moderationLog.nodes).toHaveLength(3);
  });

  it('suspends only with REMOVE, never the deciding board member, and only the board decides', async () => {
    const { x, found } = await hiddenPost();
    const suspendAuthor = { reason: 'Sjikane' };
    await expect(resolve(x.board, { caseId: found.id, decision: 'RESTORE', reason: 'OK', suspendAuthor })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'suspendAuthor' },
    });
    await expect(
      resolve(x.board, { caseId: found.id, decision: 'REMOVE', reason: 'x', suspendAuthor: { reason: 'x', until: '31.01.2099' } }),
    ).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'suspendAuthor.until' },
    });
    await expect(resolve(x.a1, { caseId: found.id, decision: 'REMOVE', reason: 'x' })).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(resolve(association().board, { caseId: found.id, decision: 'REMOVE', reason: 'x' })).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });

    const ownPost = await publish(x.board);
    await report(x.a1, 'POST', ownPost.id);
    await report(x.b, 'POST', ownPost.id);
    const own = (await openCases(x.board)).find((c) => c.targetId === ownPost.id)!;
    await expect(resolve(x.board, { caseId: own.id, decision: 'REMOVE', reason: 'x', suspendAuthor })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'suspendAuthor' },
    });
    expect(await events(x.id, 'moderation.suspension_requested')).toEqual([]);
    expect(await postModeration(x.board, ownPost.id)).toMatchObject({ moderation: { state: 'HIDDEN' } });
  });

  it('acts without reports, refuses a change to the same state, and settles an open case with RESTORE or REMOVE', async () => {
    const x = association();
    const post = await publish(x.author);
    const hidden = await moderate(x.board, 'POST', post.id, 'HIDE', 'Sjekker fakta');
    expect(hidden).toMatchObject({ state: 'hidden', action: { action: 'HIDE', caseId: null, actorMemberId: x.board.memberId, reason: 'Sjekker fakta' } });
    await expect(moderate(x.board, 'POST', post.id, 'HIDE')).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    await expect(moderate(x.a1, 'POST', post.id, 'RESTORE')).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(moderate(x.board, 'POST', randomUUID(), 'REMOVE')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(moderate(x.board, 'POST', 'nope', 'REMOVE')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(moderate(association().board, 'POST', post.id, 'REMOVE')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await moderate(x.board, 'POST', post.id, 'RESTORE', 'Stemmer');

    const other = await publish(x.author, 'Annet');
    await report(x.a1, 'POST', other.id);
    const [found] = await openCases(x.board);
    await moderate(x.board, 'POST', other.id, 'REMOVE', 'Reklame');
    expect(await openCases(x.board)).toEqual([]);
    const settled = await bed.execute(x.board, 'query($id: ID!) { moderationCase(id: $id) { status decision state actions { action reason } } }', {
      id: found!.id,
    });
    expect(settled.data).toEqual({
      moderationCase: { status: 'RESOLVED', decision: 'REMOVE', state: 'REMOVED', actions: [{ action: 'REMOVE', reason: 'Reklame' }] },
    });
    expect((await events(x.id, 'content.moderated')).map((e) => [e.action, e.caseId])).toEqual([
      ['HIDE', null],
      ['RESTORE', null],
      ['REMOVE', found!.id],
    ]);
  });
});

describe('the review queue', () => {
  it('shows the board open cases oldest first with the content, reports and reporters; nobody else', async () => {
    const x = association();
    const first = await publish(x.author, 'Først', 'Første innlegg');
    const second = await publish(x.author, 'Andre', 'Andre innlegg');
    const remark = await comment(x.author, second.id, 'En frekk kommentar');
    await report(x.a1, 'POST', first.id, 'SPAM', 'Reklame');
    await report(x.b, 'COMMENT', remark.id, 'OFFENSIVE');
    await report(x.c, 'POST', second.id, 'OTHER');

    const query = `query($after: String) { moderationQueue(first: 2, after: $after) {
      nodes { targetType targetId postId post { title } comment { body } excerpt state householdCount author { id } reports { reason note reporter { id } } }
      pageInfo { hasNextPage endCursor } totalCount } }`;
    const page1 = await bed.execute<Page>(x.board, query);
    expect(page1.errors).toBeUndefined();
    expect(page1.data!.moderationQueue).toEqual({
      nodes: [
        {
          targetType: 'POST',
          targetId: first.id,
          postId: first.id,
          post: { title: 'Først' },
          comment: null,
          excerpt: 'Først: Første innlegg',
          state: 'VISIBLE',
          householdCount: 1,
          author: { id: x.author.memberId },
          reports: [{ reason: 'SPAM', note: 'Reklame', reporter: { id: x.a1.memberId } }],
        },
        {
          targetType: 'COMMENT',
          targetId: remark.id,
          postId: second.id,
          post: { title: 'Andre' },
          comment: { body: 'En frekk kommentar' },
          excerpt: 'En frekk kommentar',
          state: 'VISIBLE',
          householdCount: 1,
          author: { id: x.author.memberId },
          reports: [{ reason: 'OFFENSIVE', note: null, reporter: { id: x.b.memberId } }],
        },
      ],
      pageInfo: { hasNextPage: true, endCursor: expect.any(String) },
      totalCount: 3,
    });
    const page2 = await bed.execute<Page>(x.board, query, { after: page1.data!.moderationQueue.pageInfo.endCursor });
    expect(page2.data!.moderationQueue.nodes.map((n) => n.targetId)).toEqual([second.id]);
    expect(page2.data!.moderationQueue.pageInfo.hasNextPage).toBe(false);

    const resolvedQuery = '{ moderationQueue(status: RESOLVED) { nodes { targetId decision } } }';
    expect((await bed.execute(x.board, resolvedQuery)).data).toEqual({ moderationQueue: { nodes: [] } });
    const [oldest] = await openCases(x.board);
    await resolve(x.board, { caseId: oldest!.id, decision: 'RESTORE', reason: 'Greit' });
    expect((await bed.execute(x.board, resolvedQuery)).data).toEqual({ moderationQueue: { nodes: [{ targetId: first.id, decision: 'RESTORE' }] } });
    const counts = '{ open: moderationQueue { totalCount } resolved: moderationQueue(status: RESOLVED) { totalCount } }';
    expect((await bed.execute(x.board, counts)).data).toEqual({ open: { totalCount: 2 }, resolved: { totalCount: 1 } });

    for (const viewer of [x.a1, x.author, x.caretaker]) {
      for (const query of ['{ moderationQueue { nodes { id } } }', '{ moderationLog { nodes { id } } }', '{ moderationSettings { reportThreshold } }']) {
        expect((await bed.execute(viewer, query)).errors?.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
      }
    }
    // Another association's board sees an empty queue and none of these cases.
    const y = association();
    expect((await bed.execute(y.board, '{ moderationQueue { nodes { id } totalCount } }')).data).toEqual({ moderationQueue: { nodes: [], totalCount: 0 } });
    const foreign = await bed.execute(y.board, 'query($id: ID!) { moderationCase(id: $id) { id } }', { id: oldest!.id });
    expect(foreign.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });
});

describe('moderated comments', () => {
  const thread = `query($id: ID!) { post(id: $id) { commentCount comments { nodes {
    id body deleted edits { body } moderation { state reason } replies { nodes { id body moderation { state } } } } } } }`;

  it('show as placeholders to other residents, while the author and the board read hidden ones with their state', async () => {
    const x = association();
    await bed.subgraph.moderation.updateSettings(x.board, { reportThreshold: 1 });
    const post = await publish(x.b, 'Hagen', 'Hvem klipper plenen?');
    const rude = await comment(x.author, post.id, 'Ikke jeg, idioter.');
    await bed.subgraph.comments.editComment(bed.contextFor(x.author), { commentId: rude.id, body: 'Ikke jeg, dere idioter.' });
    const kind = await comment(x.c, post.id, 'Jeg kan!');
    await report(x.a1, 'COMMENT', rude.id, 'OFFENSIVE');

    const asResident = await bed.execute(x.d, thread, { id: post.id });
    expect(asResident.errors).toBeUndefined();
    expect(asResident.data!.post).toEqual({
      commentCount: 1,
      comments: {
        nodes: [
          { id: rude.id, body: null, deleted: false, edits: [], moderation: null, replies: { nodes: [] } },
          { id: kind.id, body: 'Jeg kan!', deleted: false, edits: [], moderation: null, replies: { nodes: [] } },
        ],
      },
    });
    const reason = 'Reported by 1 household; hidden until the board has reviewed it.';
    for (const viewer of [x.author, x.board]) {
      const seen = await bed.execute<Thread>(viewer, thread, { id: post.id });
      expect(seen.data!.post.comments.nodes[0]).toEqual({
        id: rude.id,
        body: 'Ikke jeg, dere idioter.',
        deleted: false,
        edits: [{ body: 'Ikke jeg, idioter.' }],
        moderation: { state: 'HIDDEN', reason },
        replies: { nodes: [] },
      });
    }
    expect((await bed.execute<Thread>(x.c, thread, { id: post.id })).data!.post.comments.nodes[1]!.moderation).toEqual({ state: 'VISIBLE', reason: null });

    // A placeholder takes no replies, reactions or edits, and cannot be reported by those who cannot read it.
    await expect(bed.subgraph.comments.addComment(bed.contextFor(x.c), { postId: post.id, body: 'Svar', parentId: rude.id })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'parentId' },
    });
    await expect(bed.subgraph.comments.react(bed.contextFor(x.c), { targetType: 'COMMENT', targetId: rude.id, reaction: 'LIKE' })).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
    await expect(bed.subgraph.comments.editComment(bed.contextFor(x.author), { commentId: rude.id, body: 'Beklager' })).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    await expect(report(x.c, 'COMMENT', rude.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });

    // Removed: a placeholder for everyone, the author told why.
    const [found] = await openCases(x.board);
    await resolve(x.board, { caseId: found!.id, decision: 'REMOVE', reason: 'Skjellsord.' });
    for (const viewer of [x.author, x.board, x.d]) {
      expect((await bed.execute<Thread>(viewer, thread, { id: post.id })).data!.post.comments.nodes[0]!.body).toBeNull();
    }
    expect((await bed.execute<Thread>(x.author, thread, { id: post.id })).data!.post.comments.nodes[0]!.moderation).toEqual({
      state: 'REMOVED',
      reason: 'Skjellsord.',
    });
    expect((await events(x.id, 'content.moderated')).at(-1)).toEqual({
      recipients: [x.author.memberId],
      action: 'REMOVE',
      reason: 'Skjellsord.',
      targetType: 'COMMENT',
      targetId: rude.id,
      postId: post.id,
      caseId: found!.id,
    });
  });

  it('do not show their text to the board in the queue once the author deleted them', async () => {
    const x = association();
    const post = await publish(x.b);
    const remark = await comment(x.author, post.id, 'Angrer på dette');
    await report(x.c, 'COMMENT', remark.id);
    await bed.subgraph.comments.deleteComment(bed.contextFor(x.author), remark.id);
    const queue = await bed.execute(x.board, '{ moderationQueue { nodes { excerpt state author { id } comment { deleted body } } } }');
    expect(queue.data).toEqual({
      moderationQueue: { nodes: [{ excerpt: null, state: 'VISIBLE', author: { id: x.author.memberId }, comment: { deleted: true, body: null } }] },
    });
  });
});
