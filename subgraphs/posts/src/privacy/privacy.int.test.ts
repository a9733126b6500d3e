import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  FilesystemStorage,
  InternalBinaryAnswer,
  PRIVACY_ERASE_ASSOCIATION_ROUTE,
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE,
  PRIVACY_EXPORT_ASSOCIATION_ROUTE,
  PRIVACY_EXPORT_FILE_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  runRetention,
  type MemberViewer,
  type PrivacyEraseAnswer,
  type PrivacyExportAnswer,
  type RequestContext,
  type Viewer,
} from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { openPostsTestBed, viewerIn, type PostsTestBed } from '../posts.fixtures';
import { PERSONAL_DATA } from './personal-data';
import { ERASED_COMMENT_BODY, PrivacyRepository, query } from './privacy.repository';
import { PrivacyService, SOFT_DELETED_PURGE } from './privacy.service';

let bed: PostsTestBed;
const A = randomUUID();
/** Restrictions as privacy would answer them, per association; an association in UNREACHABLE makes privacy fail. */
const RESTRICTED = new Map<string, Record<string, string>>();
const UNREACHABLE = new Set<string>();
const B = randomUUID();
const TOMBSTONE = randomUUID();
const PROCESS = { viewer: null, requestId: 'test', clientIp: '127.0.0.1' } as RequestContext;
const DAY = 24 * 3_600_000;

beforeAll(async () => {
  bed = await openPostsTestBed({
    privacyStates: async (associationId) => {
      if (UNREACHABLE.has(associationId)) throw new Error('privacy is down');
      return { associationId, restricted: RESTRICTED.get(associationId) ?? {}, consents: {} };
    },
  });
}, 120_000);

afterAll(() => bed.close());

function route(name: string, body: unknown): Promise<unknown> {
  return bed.subgraph.definition.internalRoutes![name]!(body, PROCESS);
}

const exportOf = (associationId: string, memberId: string) =>
  route(PRIVACY_EXPORT_ROUTE, { kind: 'privacy.export', requestId: randomUUID(), associationId, memberId }) as Promise<PrivacyExportAnswer>;

const erase = (associationId: string, memberId: string, keepContent: string[]) =>
  route(PRIVACY_ERASE_ROUTE, {
    kind: 'privacy.erase',
    requestId: randomUUID(),
    associationId,
    memberId,
    policy: { keepContent, tombstoneMemberId: TOMBSTONE, reason: 'request' },
  }) as Promise<PrivacyEraseAnswer>;

async function run<T = Record<string, unknown>>(viewer: Viewer, source: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await bed.execute<T>(viewer, source, variables);
  expect(result.errors).toBeUndefined();
  return result.data!;
}

async function upload(viewer: Viewer, fileName: string, text: string): Promise<string> {
  const data = await run<{ uploadFile: { file: { id: string } } }>(
    viewer,
    `mutation ($input: UploadFileInput!) { uploadFile(input: $input) { file { id } } }`,
    { input: { fileName, contentBase64: Buffer.from(text).toString('base64') } },
  );
  return data.uploadFile.file.id;
}

async function post(viewer: Viewer, title: string, fileIds: string[] = []): Promise<string> {
  const data = await run<{ createPost: { post: { id: string } } }>(
    viewer,
    `mutation ($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`,
    { input: { title, body: `${title} body` } },
  );
  const id = data.createPost.post.id;
  if (fileIds.length > 0) {
    await run(viewer, `mutation ($input: SetPostAttachmentsInput!) { setPostAttachments(input: $input) { post { id } } }`, { input: { postId: id, fileIds } });
  }
  return id;
}

async function comment(viewer: Viewer, postId: string, body: string, parentId?: string): Promise<string> {
  const data = await run<{ addComment: { comment: { id: string } } }>(
    viewer,
    `mutation ($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`,
    { input: { postId, body, parentId } },
  );
  return data.addComment.comment.id;
}

async function document(viewer: Viewer, title: string, fileId: string): Promise<string> {
  const folder = await run<{ createDocumentFolder: { folder: { id: string } } }>(
    viewer,
    `mutation ($input: CreateDocumentFolderInput!) { createDocumentFolder(input: $input) { folder { id } } }`,
    { input: { name: `Folder ${randomUUID().slice(0, 8)}` } },
  );
  const data = await run<{ createDocument: { document: { id: string } } }>(
    viewer,
    `mutation ($input: CreateDocumentInput!) { createDocument(input: $input) { document { id } } }`,
    { input: { folderId: folder.createDocumentFolder.folder.id, title, audience: { kind: 'ASSOCIATION' }, fileId } },
  );
  return data.createDocument.document.id;
}

/** `<association>/<file>` of every file with a stored object left (deleting an object leaves its empty folder). */
async function storedObjects(): Promise<string[]> {
  const found: string[] = [];
  for (const association of await readdir(bed.storageDir).catch(() => [])) {
    for (const file of await readdir(path.join(bed.storageDir, association))) {
      if ((await readdir(path.join(bed.storageDir, association, file))).length > 0) found.push(`${association}/${file}`);
    }
  }
  return found;
}

async function count(table: string, where = sql`true`): Promise<number> {
  const rows = await bed.db.system((tx) => query<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.raw(`posts.${table}`)} where ${where}`));
  return rows[0]!.n;
}

/** A person with something in most posts tables, a neighbour who answered them, and the neighbour's own content. */
async function seed(associationId: string) {
  const person: MemberViewer = viewerIn(associationId, 'board');
  const neighbour: MemberViewer = viewerIn(associationId, 'resident');
  const attachment = await upload(person, 'photo-note.txt', `attachment of ${person.memberId}`);
  const ownPost = await post(person, 'Dugnad on Saturday', [attachment]);
  const neighbourPost = await post(neighbour, 'Lost cat');
  const answered = await comment(person, neighbourPost, 'I saw it by the bins');
  const reply = await comment(neighbour, neighbourPost, 'Thank you!', answered);
  const leaf = await comment(person, neighbourPost, 'First text');
  await run(person, `mutation ($input: EditCommentInput!) { editComment(input: $input) { comment { id } } }`, {
    input: { commentId: leaf, body: 'Second text' },
  });
  await run(person, `mutation ($input: ReactionInput!) { react(input: $input) { __typename } }`, {
    input: { targetType: 'POST', targetId: neighbourPost, reaction: 'HEART' },
  });
  await run(neighbour, `mutation ($input: ReactionInput!) { react(input: $input) { __typename } }`, {
    input: { targetType: 'COMMENT', targetId: leaf, reaction: 'LIKE' },
  });
  await run(person, `mutation ($input: MarkPostReadInput!) { markPostRead(input: $input) { __typename } }`, { input: { postId: neighbourPost } });
  const versionFile = await upload(person, 'vedtekter.txt', `bylaws by ${person.memberId}`);
  const documentId = await document(person, 'Vedtekter', versionFile);
  const start = new Date(Date.now() + 10 * DAY);
  const event = await run<{ createEvent: { event: { id: string } } }>(
    person,
    `mutation ($input: CreateEventInput!) { createEvent(input: $input) { event { id } } }`,
    { input: { title: 'Sommerfest', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3_600_000).toISOString() } },
  );
  const eventId = event.createEvent.event.id;
  await run(neighbour, `mutation ($input: SignUpForEventInput!) { signUpForEvent(input: $input) { __typename } }`, { input: { eventId } });
  return { person, neighbour, attachment, ownPost, neighbourPost, answered, reply, leaf, versionFile, documentId, eventId };
}

describe('posts privacy routes', () => {
  it('exports what names the person, one receipt entry per catalogue table, and nothing of anyone else', async () => {
    const s = await seed(A);
    const answer = await exportOf(A, s.person.memberId);
    expect(answer.receipt.map((entry) => entry.table).sort()).toEqual(Object.keys(PERSONAL_DATA).sort());
    const ids = (table: string) => answer.tables[table]!.map((row) => row.id as string).sort();
    expect(ids('posts')).toEqual([s.ownPost]);
    expect(ids('comments')).toEqual([s.answered, s.leaf].sort());
    expect(answer.tables.comment_edits!.map((row) => row.body)).toEqual(['First text']);
    expect(answer.tables.reactions).toHaveLength(1);
    expect(answer.tables.post_reads).toHaveLength(1);
    expect(ids('events')).toEqual([s.eventId]);
    expect(ids('documents')).toEqual([s.documentId]);
    expect(answer.files.map((file) => file.fileId).sort()).toEqual([s.attachment, s.versionFile].sort());
    expect(answer.receipt.find((entry) => entry.table === 'comments')).toMatchObject({ action: 'exported', rows: 2 });

    // The same member id asked for in another association finds nothing.
    const elsewhere = await exportOf(B, s.person.memberId);
    expect(elsewhere.receipt.every((entry) => entry.rows === 0)).toBe(true);
    expect(elsewhere.files).toEqual([]);
  });

  it("gives the original bytes of the person's own upload only", async () => {
    const s = await seed(A);
    const file = (associationId: string, memberId: string, fileId: string) =>
      route(PRIVACY_EXPORT_FILE_ROUTE, { kind: 'privacy.export-file', requestId: randomUUID(), associationId, memberId, fileId });
    const answer = await file(A, s.person.memberId, s.attachment);
    expect(answer).toBeInstanceOf(InternalBinaryAnswer);
    expect((answer as InternalBinaryAnswer).bytes.toString()).toBe(`attachment of ${s.person.memberId}`);
    await expect(file(A, s.neighbour.memberId, s.attachment)).rejects.toMatchObject({ status: 404 });
    await expect(file(B, s.person.memberId, s.attachment)).rejects.toMatchObject({ status: 404 });
    // A body of another route is refused before anything runs.
    await expect(
      route(PRIVACY_EXPORT_FILE_ROUTE, { kind: 'privacy.export', requestId: randomUUID(), associationId: A, memberId: s.person.memberId }),
    ).rejects.toMatchObject({
      status: 400,
    });
  });

  it('erases: kept posts go to the tombstone, other content and its files are deleted, a second erase changes nothing', async () => {
    const s = await seed(A);
    const first = await erase(A, s.person.memberId, ['posts']);
    expect(first.receipt.map((entry) => entry.table).sort()).toEqual(Object.keys(PERSONAL_DATA).sort());
    const entry = (answer: PrivacyEraseAnswer, table: string) => answer.receipt.find((e) => e.table === table)!;
    expect(entry(first, 'posts')).toMatchObject({ action: 'reattributed', rows: 1 });
    expect(entry(first, 'documents')).toMatchObject({ action: 'erased', rows: 1 });
    expect(entry(first, 'events')).toMatchObject({ action: 'erased', rows: 1 });

    // The kept post is the tombstone's, with its attachment; the document's file is gone from storage too.
    expect(await count('posts', sql`id = ${s.ownPost} and author_member_id = ${TOMBSTONE}`)).toBe(1);
    expect(await count('files', sql`id = ${s.attachment} and uploaded_by_member_id = ${TOMBSTONE}`)).toBe(1);
    expect(await count('files', sql`id = ${s.versionFile}`)).toBe(0);
    const objects = await storedObjects();
    expect(objects).toContain(`${A}/${s.attachment}`);
    expect(objects).not.toContain(`${A}/${s.versionFile}`);
    // The comment the neighbour answered keeps its place without its text; the other is deleted with its reaction.
    const rows = await bed.db.system((tx) =>
      query<{ author_member_id: string; body: string; deleted_at: unknown }>(
        tx,
        sql`select author_member_id, body, deleted_at from posts.comments where id = ${s.answered}`,
      ),
    );
    expect(rows[0]).toMatchObject({ author_member_id: TOMBSTONE, body: ERASED_COMMENT_BODY });
    expect(rows[0]!.deleted_at).not.toBeNull();
    expect(await count('comments', sql`id = ${s.leaf}`)).toBe(0);
    expect(await count('reactions', sql`target_id = ${s.leaf}`)).toBe(0);
    expect(await count('comment_edits', sql`comment_id = ${s.leaf}`)).toBe(0);
    // The neighbour's post and reply stay; their sign-up went with the erased person's event.
    expect(await count('posts', sql`id = ${s.neighbourPost}`)).toBe(1);
    expect(await count('comments', sql`id = ${s.reply}`)).toBe(1);
    expect(await count('event_signups', sql`member_id = ${s.neighbour.memberId}`)).toBe(0);

    const after = await exportOf(A, s.person.memberId);
    expect(after.receipt.filter((e) => e.rows > 0)).toEqual([]);
    const second = await erase(A, s.person.memberId, ['posts']);
    expect(second.receipt.filter((e) => e.rows > 0)).toEqual([]);
  });

  it("gives the person's seats up first, so the waitlist moves on and the promoted neighbour is told", async () => {
    const association = randomUUID();
    const [board, person, neighbour] = [viewerIn(association, 'board'), viewerIn(association, 'resident'), viewerIn(association, 'resident')];
    const start = new Date(Date.now() + 5 * DAY);
    const created = await run<{ createEvent: { event: { id: string } } }>(
      board,
      `mutation ($input: CreateEventInput!) { createEvent(input: $input) { event { id } } }`,
      { input: { title: 'Båttur', capacity: 1, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3_600_000).toISOString() } },
    );
    const eventId = created.createEvent.event.id;
    for (const viewer of [person, neighbour]) {
      await run(viewer, `mutation ($input: SignUpForEventInput!) { signUpForEvent(input: $input) { __typename } }`, { input: { eventId } });
    }
    const statusOf = async (memberId: string) =>
      bed.db.system((tx) => query<{ status: string }>(tx, sql`select status from posts.event_signups where event_id = ${eventId} and member_id = ${memberId}`));
    expect(await statusOf(neighbour.memberId)).toEqual([{ status: 'waitlisted' }]);

    await erase(association, person.memberId, []);
    expect(await statusOf(person.memberId)).toEqual([]);
    expect(await statusOf(neighbour.memberId)).toEqual([{ status: 'confirmed' }]);
    const promoted = await bed.db.system((tx) =>
      query<{ payload: { memberId: string } }>(
        tx,
        sql`select payload from posts.outbox where association_id = ${association} and topic = 'event.signup_promoted'`,
      ),
    );
    expect(promoted.map((row) => row.payload.memberId)).toEqual([neighbour.memberId]);
  });

  it('keeps every kind the policy names, without the earlier texts of comments', async () => {
    const s = await seed(A);
    const answer = await erase(A, s.person.memberId, ['posts', 'comments', 'documents', 'events']);
    expect(answer.receipt.find((e) => e.table === 'comments')).toMatchObject({ action: 'reattributed', rows: 2 });
    expect(answer.receipt.find((e) => e.table === 'comment_edits')).toMatchObject({ action: 'erased', rows: 1 });
    expect(await count('comments', sql`id = ${s.leaf} and author_member_id = ${TOMBSTONE} and body = 'Second text'`)).toBe(1);
    expect(await count('documents', sql`id = ${s.documentId} and created_by_member_id = ${TOMBSTONE}`)).toBe(1);
    expect(await count('event_signups', sql`event_id = ${s.eventId}`)).toBe(1);
    expect(await storedObjects()).toContain(`${A}/${s.versionFile}`);
  });
});

describe('posts retention', () => {
  it('removes content deleted more than 180 days ago with its files, once, and logs every run', async () => {
    const association = randomUUID();
    const s = await seed(association);
    await run(s.person, `mutation ($input: DeletePostInput!) { deletePost(input: $input) { __typename } }`, { input: { postId: s.ownPost } });
    await run(s.neighbour, `mutation ($id: ID!) { deleteComment(input: { commentId: $id }) { __typename } }`, { id: s.reply });
    await run(s.person, `mutation ($id: ID!) { deleteComment(input: { commentId: $id }) { __typename } }`, { id: s.answered });
    await run(s.person, `mutation ($id: ID!) { deleteDocument(input: { documentId: $id }) { __typename } }`, { id: s.documentId });
    const runs = async () => count('retention_runs', sql`job = ${SOFT_DELETED_PURGE}`);
    const before = await runs();
    const pass = (at: Date) =>
      runRetention(
        bed.db,
        SOFT_DELETED_PURGE,
        () => at,
        (now) => bed.subgraph.privacy.purgeSoftDeleted(now),
      );

    const early = await pass(new Date(Date.now() + 178.5 * DAY));
    expect(Object.values(early).every((rows) => rows === 0)).toBe(true);
    expect(await count('posts', sql`id = ${s.ownPost}`)).toBe(1);

    // The next daily run would come after 180 days: this one, half a day before, removes it.
    const due = await pass(new Date(Date.now() + 179.5 * DAY));
    expect(due).toMatchObject({ posts: 1, comments: 2, documents: 1, document_versions: 1, files: 2 });
    expect(await count('posts', sql`id = ${s.ownPost}`)).toBe(0);
    expect(await count('comments', sql`id in (${s.reply}, ${s.answered})`)).toBe(0);
    expect(await count('comments', sql`id = ${s.leaf}`)).toBe(1);
    const objects = await storedObjects();
    expect(objects).not.toContain(`${association}/${s.attachment}`);
    expect(objects).not.toContain(`${association}/${s.versionFile}`);

    const again = await pass(new Date(Date.now() + 182 * DAY));
    expect(Object.values(again).every((rows) => rows === 0)).toBe(true);
    expect((await runs()) - before).toBe(3);
  });
});

describe('posts privacy, under attack', () => {
  it('refuses to erase the tombstone (409)', async () => {
    await expect(erase(A, TOMBSTONE, [])).rejects.toMatchObject({ status: 409 });
  });

  it('exports what a board member did to a neighbour’s comment, not the comment, and counts only their own rows on erasure', async () => {
    const association = randomUUID();
    const s = await seed(association);
    // As moderation does when the board removes a neighbour's comment.
    await bed.db.system((tx) =>
      tx.execute(sql`update posts.comments set deleted_at = now(), deleted_by_member_id = ${s.person.memberId} where id = ${s.reply}`),
    );
    const answer = await exportOf(association, s.person.memberId);
    expect(JSON.stringify(answer.tables)).not.toContain('Thank you!');
    expect(answer.tables.comments!.find((row) => row.id === s.reply)).toEqual({ id: s.reply, action: 'deleted', at: expect.anything() });
    const erased = await erase(association, s.person.memberId, ['posts']);
    expect(erased.receipt.find((entry) => entry.table === 'comments')).toMatchObject({ action: 'erased', rows: 2 });
    expect(erased.receipt.find((entry) => entry.table === 'files')).toMatchObject({ action: 'reattributed', rows: 2 });
    expect(erased.receipt.find((entry) => entry.table === 'files')!.note).toMatch(/^1 kept with content the association keeps, 1 deleted/);
  });

  it('deletes the bytes a failed storage delete left, on the next retention run', async () => {
    const association = randomUUID();
    const s = await seed(association);
    const disk = new FilesystemStorage(bed.storageDir);
    let failures = 1;
    const flaky = Object.assign(Object.create(disk) as FilesystemStorage, {
      delete: async (key: string) => {
        if (failures-- > 0) throw new Error('storage unavailable');
        return disk.delete(key);
      },
    });
    const privacy = new PrivacyService(new PrivacyRepository(bed.db), flaky, bed.db, { releaseSeatsOf: async () => {} });
    await privacy.eraseMember({
      kind: 'privacy.erase',
      requestId: randomUUID(),
      associationId: association,
      memberId: s.person.memberId,
      policy: { keepContent: [], tombstoneMemberId: TOMBSTONE, reason: 'request' },
    });
    // One of the two files' bytes is left; the erasure stands.
    expect(await count('file_deletions', sql`association_id = ${association}`)).toBe(1);
    expect(await count('files', sql`id in (${s.attachment}, ${s.versionFile})`)).toBe(0);
    const counts = await privacy.purgeSoftDeleted(new Date());
    expect(counts).toMatchObject({ stored_objects: 1 });
    const objects = await storedObjects();
    expect(objects).not.toContain(`${association}/${s.attachment}`);
    expect(objects).not.toContain(`${association}/${s.versionFile}`);
    expect(await count('file_deletions', sql`association_id = ${association}`)).toBe(0);
  });

  it('counts each stored object once when two retention passes delete the queued ones at the same moment', async () => {
    const association = randomUUID();
    const s = await seed(association);
    const failing = Object.assign(Object.create(new FilesystemStorage(bed.storageDir)) as FilesystemStorage, {
      delete: () => Promise.reject(new Error('storage unavailable')),
    });
    await new PrivacyService(new PrivacyRepository(bed.db), failing, bed.db, { releaseSeatsOf: async () => {} }).eraseMember({
      kind: 'privacy.erase',
      requestId: randomUUID(),
      associationId: association,
      memberId: s.person.memberId,
      policy: { keepContent: [], tombstoneMemberId: TOMBSTONE, reason: 'request' },
    });
    const queued = await count('file_deletions', sql`true`);
    expect(queued).toBeGreaterThanOrEqual(2);

    const [one, two] = await Promise.all([bed.subgraph.privacy.purgeSoftDeleted(new Date()), bed.subgraph.privacy.purgeSoftDeleted(new Date())]);

    expect(Number(one.stored_objects) + Number(two.stored_objects)).toBe(queued);
    expect(await count('file_deletions', sql`true`)).toBe(0);
  });

  it('after 180 days blanks a deleted comment that others still reply to, with its earlier texts', async () => {
    const association = randomUUID();
    const [author, neighbour] = [viewerIn(association, 'resident'), viewerIn(association, 'resident')];
    const postId = await post(neighbour, 'Styremøte');
    const root = await comment(author, postId, 'Første utkast');
    await run(author, `mutation ($input: EditCommentInput!) { editComment(input: $input) { comment { id } } }`, {
      input: { commentId: root, body: 'Andre utkast' },
    });
    const reply = await comment(neighbour, postId, 'Enig', root);
    await run(author, `mutation ($id: ID!) { deleteComment(input: { commentId: $id }) { __typename } }`, { id: root });
    await bed.subgraph.privacy.purgeSoftDeleted(new Date(Date.now() + 179.5 * DAY));
    expect(await count('comments', sql`id = ${root} and body = ${ERASED_COMMENT_BODY}`)).toBe(1);
    expect(await count('comment_edits', sql`comment_id = ${root}`)).toBe(0);
    expect(await count('comments', sql`id = ${reply} and body = 'Enig'`)).toBe(1);
  });
});

describe('a terminated association', () => {
  it('exports all of it and then deletes every row and file, leaving other associations alone', async () => {
    const gone = randomUUID();
    const s = await seed(gone);
    const other = await seed(B);
    const exported = (await route(PRIVACY_EXPORT_ASSOCIATION_ROUTE, {
      kind: 'privacy.export-association',
      requestId: randomUUID(),
      associationId: gone,
    })) as PrivacyExportAnswer;
    expect(exported.tables.posts!.map((row) => row.id).sort()).toEqual([s.ownPost, s.neighbourPost].sort());
    expect(exported.files).toHaveLength(2);
    const bytes = (associationId: string, fileId: string) =>
      route(PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE, { kind: 'privacy.export-association-file', requestId: randomUUID(), associationId, fileId });
    expect(((await bytes(gone, s.attachment)) as InternalBinaryAnswer).bytes.toString()).toBe(`attachment of ${s.person.memberId}`);
    // Another association's file is not found, as after the erasure every one of its own.
    await expect(bytes(gone, other.attachment)).rejects.toMatchObject({ status: 404 });
    // An export body is not an erasure, even on the erasure's route.
    await expect(
      route(PRIVACY_ERASE_ASSOCIATION_ROUTE, { kind: 'privacy.export-association', requestId: randomUUID(), associationId: gone }),
    ).rejects.toMatchObject({
      status: 400,
    });

    const erased = (await route(PRIVACY_ERASE_ASSOCIATION_ROUTE, {
      kind: 'privacy.erase-association',
      requestId: randomUUID(),
      associationId: gone,
    })) as PrivacyEraseAnswer;
    expect(erased.receipt.find((e) => e.table === 'posts')).toMatchObject({ action: 'erased', rows: 2 });
    for (const table of Object.keys(PERSONAL_DATA)) expect(await count(table, sql`association_id = ${gone}`)).toBe(0);
    expect((await storedObjects()).filter((key) => key.startsWith(gone))).toEqual([]);
    expect(await count('posts', sql`id = ${other.ownPost}`)).toBe(1);
    expect(await storedObjects()).toContain(`${B}/${other.attachment}`);
    await expect(bytes(gone, s.attachment)).rejects.toMatchObject({ status: 404 });
  });
});

describe('restriction of processing', () => {
  const feed = `{ posts(first: 50) { nodes { id commentCount comments { nodes { id } } } } }`;
  type Feed = { posts: { nodes: { id: string; commentCount: number; comments: { nodes: { id: string }[] } }[] } };

  it('withholds what a restricted person writes from everyone else, the board included, and announces none of it', async () => {
    const association = randomUUID();
    const restricted = viewerIn(association, 'resident');
    const neighbour = viewerIn(association, 'resident');
    const board = viewerIn(association, 'board');
    RESTRICTED.set(association, { [restricted.memberId]: new Date().toISOString() });
    const neighbourPost = await post(neighbour, 'Dugnad');
    const withheldPost = await post(restricted, 'Written while restricted');
    const withheldComment = await comment(restricted, neighbourPost, 'Also withheld');

    const seenBy = async (viewer: Viewer) => (await run<Feed>(viewer, feed)).posts.nodes;
    for (const other of [neighbour, board]) {
      const nodes = await seenBy(other);
      expect(nodes.map((node) => node.id)).toEqual([neighbourPost]);
      expect(nodes[0]).toMatchObject({ commentCount: 0, comments: { nodes: [] } });
      const byId = await bed.execute<{ post: unknown }>(other, `query ($id: ID!) { post(id: $id) { id } }`, { id: withheldPost });
      expect(byId.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    const own = await seenBy(restricted);
    expect(own.map((node) => node.id).sort()).toEqual([neighbourPost, withheldPost].sort());
    expect(own.find((node) => node.id === neighbourPost)!.comments.nodes.map((node) => node.id)).toEqual([withheldComment]);

    const topics = await bed.db.system((tx) =>
      query<{ topic: string; payload: { postId?: string; commentId?: string } }>(
        tx,
        sql`select topic, payload from posts.outbox where association_id = ${association}`,
      ),
    );
    expect(topics.filter((row) => row.payload.postId === withheldPost || row.payload.commentId === withheldComment)).toEqual([]);
    expect(topics.some((row) => row.topic === 'post.published' && row.payload.postId === neighbourPost)).toBe(true);
  });

  it('refuses to publish while privacy cannot say whether the author is restricted', async () => {
    const association = randomUUID();
    UNREACHABLE.add(association);
    const result = await bed.execute(viewerIn(association, 'resident'), `mutation { createPost(input: { title: "Hei", body: "Hei alle" }) { post { id } } }`);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', serviceName: 'privacy' });
    expect(await count('posts', sql`association_id = ${association}`)).toBe(0);
  });
});
