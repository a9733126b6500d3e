import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { FilesystemStorage, PublicRouteError, URL_MAX_LIFETIME_SECONDS, UrlSigner, type PublicResponse, type Viewer } from '@tunet/kit';
import { gpsLatitudeOf, phoneJpeg } from '@tunet/kit/src/files/files.fixtures';
import { sql } from 'drizzle-orm';
import { pdfOf } from '../documents/documents.demo';
import { createPostsSubgraph } from '../subgraph';
import { files, urlSigningKeys } from '../tables';
import { EVERY_REFERENCE_EXISTS, openPostsTestBed, viewerIn, type PostsTestBed } from '../posts.fixtures';
import { DEFAULT_MAX_FILE_BYTES } from './files.service';

let bed: PostsTestBed;

beforeAll(async () => {
  bed = await openPostsTestBed();
});

afterAll(() => bed.close());

interface GraphQLFile {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  url: string;
  displayUrl: string | null;
  thumbnailUrl: string | null;
  uploadedBy: { id: string };
}
const FILE_FIELDS = 'id fileName contentType size width height url displayUrl thumbnailUrl uploadedBy { id }';

async function upload(viewer: Viewer, fileName: string, bytes: Buffer) {
  return bed.execute(viewer, `mutation ($input: UploadFileInput!) { uploadFile(input: $input) { file { ${FILE_FIELDS} } } }`, {
    input: { fileName, contentBase64: bytes.toString('base64') },
  });
}

async function uploaded(viewer: Viewer, fileName: string, bytes: Buffer): Promise<GraphQLFile> {
  const result = await upload(viewer, fileName, bytes);
  expect(result.errors).toBeUndefined();
  return (result.data!.uploadFile as { file: GraphQLFile }).file;
}

const codeOf = (result: { errors?: readonly { extensions: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions;

/** Opens a signed link as the gateway would forward it: no viewer, only the URL. */
async function open(url: string): Promise<PublicResponse> {
  const { pathname, searchParams } = new URL(url);
  const route = bed.subgraph.definition.publicRoutes!.files!;
  return route({
    path: pathname.replace(/^\/files/, ''),
    query: Object.fromEntries(searchParams),
    context: { viewer: null, requestId: 'test', clientIp: '127.0.0.1', publicOrigin: 'https://tunet.test' },
  });
}

async function statusOf(url: string): Promise<number> {
  try {
    return (await open(url)).status ?? 200;
  } catch (error) {
    if (error instanceof PublicRouteError) return error.status;
    throw error;
  }
}

const publish = (viewer: Viewer, extra: Record<string, unknown> = {}) =>
  bed.contextFor(viewer).posts.createPost(viewer, { title: 'Dugnad', body: 'Ta med rake.', ...extra });

async function setAttachments(viewer: Viewer, postId: string, fileIds: string[]) {
  return bed.execute(
    viewer,
    `mutation ($input: SetPostAttachmentsInput!) { setPostAttachments(input: $input) { post { id attachments { id fileName url } } } }`,
    { input: { postId, fileIds } },
  );
}

describe('uploads', () => {
  const association = randomUUID();
  const resident = viewerIn(association);

  it('stores a phone photo upright, without its GPS position, with display and thumbnail links', async () => {
    const photo = await phoneJpeg(300, 200);
    expect(gpsLatitudeOf(photo)).not.toBeNull();
    const file = await uploaded(resident, 'IMG_0042.JPG', photo);
    expect(file).toMatchObject({ fileName: 'IMG_0042.JPG', contentType: 'image/jpeg', width: 200, height: 300, uploadedBy: { id: resident.memberId } });
    for (const url of [file.url, file.displayUrl!, file.thumbnailUrl!]) {
      expect(url).toMatch(new RegExp(`^https://tunet\\.test/files/${file.id}/(original|display|thumbnail)\\?exp=\\d+&sig=[\\w-]+$`));
      const stored = await open(url);
      expect(stored.contentType).toBe('image/jpeg');
      expect(gpsLatitudeOf(stored.body as Buffer)).toBeNull();
    }
    expect((await open(file.url)).body).toHaveLength(file.size);
  });

  it('serves an image inline and a PDF as an attachment named with RFC 5987', async () => {
    const image = await open((await uploaded(resident, 'bilde.jpg', await phoneJpeg())).url);
    expect(image.headers!['content-disposition']).toMatch(/^inline; /);
    const pdf = await uploaded(resident, 'Årsmøte 2026.pdf', pdfOf(['Innkalling']));
    expect([pdf.contentType, pdf.width, pdf.displayUrl, pdf.thumbnailUrl]).toEqual(['application/pdf', null, null, null]);
    const download = await open(pdf.url);
    expect(download.body).toEqual(pdfOf(['Innkalling']));
    expect(download.headers!['content-disposition']).toBe(`attachment; filename="_rsm_te 2026.pdf"; filename*=UTF-8''%C3%85rsm%C3%B8te%202026.pdf`);
  });

  it('decides the type from the bytes: a program named .pdf is refused, a page named .jpg is text', async () => {
    const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
    expect(codeOf(await upload(resident, 'faktura.pdf', program))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contentBase64' });
    const page = await uploaded(resident, 'bilde.jpg', Buffer.from('<html><script>alert(1)</script></html>'));
    expect([page.contentType, page.fileName, page.displayUrl]).toEqual(['text/plain', 'bilde.jpg.txt', null]);
    const served = await open(page.url);
    expect(served.contentType).toBe('text/plain; charset=utf-8');
    expect(served.headers!['content-disposition']).toMatch(/^attachment; /);
  });

  it('refuses bytes that start like an image but are not one', async () => {
    const broken = (await phoneJpeg()).subarray(0, 300);
    expect(codeOf(await upload(resident, 'bilde.jpg', broken))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contentBase64' });
  });

  it('makes a file name with script in it harmless wherever it is shown', async () => {
    const file = await uploaded(resident, '<img src=x onerror=alert(document.cookie)>\u202Etxt.exe', Buffer.from('hei'));
    expect(file.fileName).toBe('_img src=x onerror=alert(document.cookie)_txt.exe.txt');
    const disposition = (await open(file.url)).headers!['content-disposition']!;
    expect(disposition).not.toMatch(/[<>\r\n\u202E]/);
  });

  it('refuses empty uploads and what is not base64', async () => {
    expect(codeOf(await upload(resident, 'tom.txt', Buffer.alloc(0)))).toMatchObject({ field: 'contentBase64' });
    const notBase64 = await bed.execute(resident, 'mutation { uploadFile(input: { fileName: "a.txt", contentBase64: "not base64!" }) { file { id } } }');
    expect(codeOf(notBase64)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contentBase64' });
  });

  it('lets residents and the board upload, not externals nor anonymous callers', async () => {
    expect((await upload(viewerIn(association, 'board'), 'a.txt', Buffer.from('a'))).errors).toBeUndefined();
    expect(codeOf(await upload(viewerIn(association, 'external'), 'a.txt', Buffer.from('a')))).toMatchObject({ code: 'FORBIDDEN' });
    const anonymous = await bed.execute(null, 'mutation { uploadFile(input: { fileName: "a.txt", contentBase64: "YQ==" }) { file { id } } }');
    expect(codeOf(anonymous)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('the upload limit', () => {
  const association = randomUUID();
  const board = viewerIn(association, 'board');
  const resident = viewerIn(association);
  const settings = (viewer: Viewer | null) => bed.execute(viewer, '{ fileSettings { maxFileBytes } }');
  const change = (viewer: Viewer, maxFileBytes: number) =>
    bed.execute(viewer, 'mutation ($b: Int!) { updateFileSettings(input: { maxFileBytes: $b }) { settings { maxFileBytes } } }', { b: maxFileBytes });
  const textOf = (bytes: number) => Buffer.alloc(bytes, 'a');

  it('is 10 MiB until the board changes it', async () => {
    expect((await settings(resident)).data).toEqual({ fileSettings: { maxFileBytes: DEFAULT_MAX_FILE_BYTES } });
    expect(codeOf(await upload(resident, 'stor.txt', textOf(DEFAULT_MAX_FILE_BYTES + 1)))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'contentBase64',
    });
    expect((await upload(resident, 'stor.txt', textOf(DEFAULT_MAX_FILE_BYTES))).errors).toBeUndefined();
  });

  it('follows the board, within 1 and 14 MiB, for its own association only', async () => {
    expect((await change(board, 1_048_576)).data).toEqual({ updateFileSettings: { settings: { maxFileBytes: 1_048_576 } } });
    expect(codeOf(await upload(resident, 'a.txt', textOf(1_048_577)))).toMatchObject({ field: 'contentBase64' });
    expect((await upload(resident, 'a.txt', textOf(1_048_576))).errors).toBeUndefined();
    expect((await settings(viewerIn(randomUUID()))).data).toEqual({ fileSettings: { maxFileBytes: DEFAULT_MAX_FILE_BYTES } });

    expect(codeOf(await change(board, 1_048_575))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'maxFileBytes' });
    expect(codeOf(await change(board, 14 * 1_048_576 + 1))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'maxFileBytes' });
    expect((await change(board, 14 * 1_048_576)).errors).toBeUndefined();
  });

  it('is the board’s to change: residents and externals are FORBIDDEN, anonymous callers UNAUTHENTICATED', async () => {
    for (const viewer of [resident, viewerIn(association, 'external')]) {
      expect(codeOf(await change(viewer, 2_000_000))).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(codeOf(await settings(null))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await settings(resident)).data).toEqual({ fileSettings: { maxFileBytes: 14 * 1_048_576 } });
  });
});

describe('signed links', () => {
  const association = randomUUID();
  const resident = viewerIn(association);
  let file: GraphQLFile;

  beforeAll(async () => {
    file = await uploaded(resident, 'notat.txt', Buffer.from('Hemmelig'));
  });

  it('refuses a link whose signature, file, variant or expiry was changed with 403', async () => {
    const url = new URL(file.url);
    const tampered = (change: (u: URL) => void) => {
      const copy = new URL(url);
      change(copy);
      return copy.toString();
    };
    expect(await statusOf(file.url)).toBe(200);
    expect(await statusOf(tampered((u) => u.searchParams.set('sig', `${u.searchParams.get('sig')!.slice(0, -2)}AA`)))).toBe(403);
    expect(await statusOf(tampered((u) => u.searchParams.set('exp', String(Number(u.searchParams.get('exp')) + 86_400))))).toBe(403);
    expect(await statusOf(tampered((u) => (u.pathname = u.pathname.replace('original', 'display'))))).toBe(403);
    expect(await statusOf(tampered((u) => (u.pathname = `/files/${randomUUID()}/original`)))).toBe(403);
    expect(await statusOf(tampered((u) => u.searchParams.delete('sig')))).toBe(403);
  });

  it('answers 410 for a genuine link that has expired', async () => {
    const aWhileAgo = new UrlSigner(() => bed.subgraph.filesRepository.signingKey(), { nowMs: () => Date.now() - URL_MAX_LIFETIME_SECONDS * 1000 });
    expect(await statusOf(await aWhileAgo.sign('https://tunet.test', file.id, 'original'))).toBe(410);
  });

  it('verifies on another replica: the key is the deployment’s, kept in the database', async () => {
    const replica = await createPostsSubgraph({
      database: bed.connection,
      store: { kind: 'memory', namespace: 'files-test-replica' },
      fileStorage: new FilesystemStorage(bed.storageDir),
      memberReferences: EVERY_REFERENCE_EXISTS,
    });
    const { pathname, searchParams } = new URL(file.url);
    const answer = await replica.definition.publicRoutes!.files!({
      path: pathname.replace(/^\/files/, ''),
      query: Object.fromEntries(searchParams),
      context: { viewer: null, requestId: 'test', clientIp: '127.0.0.1' },
    });
    expect(answer.body.toString()).toBe('Hemmelig');
  });

  it('keeps the key from every tenant transaction', async () => {
    expect(await bed.db.tenant(association, (tx) => tx.select().from(urlSigningKeys))).toEqual([]);
    expect(await bed.db.system((tx) => tx.select().from(urlSigningKeys))).toHaveLength(1);
  });
});

describe('post attachments', () => {
  const association = randomUUID();
  const author = viewerIn(association);
  const neighbour = viewerIn(association);

  it('attaches the author’s uploads in the order given, and lets readers open them', async () => {
    const post = await publish(author);
    const first = await uploaded(author, 'a.txt', Buffer.from('A'));
    const second = await uploaded(author, 'b.jpg', await phoneJpeg());
    const set = await setAttachments(author, post.id, [second.id, first.id]);
    expect(set.errors).toBeUndefined();

    const read = await bed.execute(neighbour, `query ($id: ID!) { post(id: $id) { attachments { id url } } }`, { id: post.id });
    const attachments = (read.data!.post as { attachments: { id: string; url: string }[] }).attachments;
    expect(attachments.map((a) => a.id)).toEqual([second.id, first.id]);
    expect((await open(attachments[1]!.url)).body.toString()).toBe('A');

    await setAttachments(author, post.id, [first.id]);
    const after = await bed.execute(neighbour, `query ($id: ID!) { post(id: $id) { attachments { id } } }`, { id: post.id });
    expect(after.data).toEqual({ post: { attachments: [{ id: first.id }] } });
  });

  it('is for the author alone; a neighbour is FORBIDDEN, another association NOT_FOUND', async () => {
    const post = await publish(author);
    const mine = await uploaded(neighbour, 'n.txt', Buffer.from('n'));
    expect(codeOf(await setAttachments(neighbour, post.id, [mine.id]))).toMatchObject({ code: 'FORBIDDEN' });
    expect(codeOf(await setAttachments(viewerIn(randomUUID()), post.id, []))).toMatchObject({ code: 'NOT_FOUND' });
    expect(codeOf(await setAttachments(viewerIn(association, 'external'), post.id, []))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('takes only the author’s own uploads that are not in use elsewhere', async () => {
    const post = await publish(author);
    const otherPost = await publish(author);
    const neighbours = await uploaded(neighbour, 'n.txt', Buffer.from('n'));
    const elsewhere = await uploaded(author, 'e.txt', Buffer.from('e'));
    expect((await setAttachments(author, otherPost.id, [elsewhere.id])).errors).toBeUndefined();
    const foreign = await uploaded(viewerIn(randomUUID()), 'f.txt', Buffer.from('f'));
    const mine = await uploaded(author, 'm.txt', Buffer.from('m'));

    for (const [taken, index] of [
      [neighbours.id, 1],
      [elsewhere.id, 1],
      [foreign.id, 1],
      [randomUUID(), 1],
    ] as const) {
      expect(codeOf(await setAttachments(author, post.id, [mine.id, taken]))).toMatchObject({ code: 'BAD_USER_INPUT', field: `fileIds.${index}` });
    }
    // A refused change changes nothing.
    const unchanged = await bed.execute(author, `query ($id: ID!) { post(id: $id) { attachments { id } } }`, { id: post.id });
    expect(unchanged.data).toEqual({ post: { attachments: [] } });
  });

  it('takes at most 10 files, each once', async () => {
    const post = await publish(author);
    const ids = await Promise.all(Array.from({ length: 11 }, (_, i) => uploaded(author, `${i}.txt`, Buffer.from(String(i))).then((f) => f.id)));
    expect(codeOf(await setAttachments(author, post.id, ids))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileIds' });
    expect(codeOf(await setAttachments(author, post.id, [ids[0]!, ids[0]!]))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileIds' });
    expect((await setAttachments(author, post.id, ids.slice(0, 10))).errors).toBeUndefined();
  });

  it('hands no link to a viewer who cannot see the post, nor to anyone but the uploader before it is used', async () => {
    const building = randomUUID();
    const board = viewerIn(association, 'board');
    const post = await publish(board, { audience: { kind: 'BUILDING', id: building } });
    const file = await uploaded(board, 'p.txt', Buffer.from('p'));
    const row = (await bed.contextFor(board).fileLoaders.fileById.load(file.id))!;

    const other = bed.contextFor(neighbour);
    await expect(other.files.url(other, row, 'original')).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect((await setAttachments(board, post.id, [file.id])).errors).toBeUndefined();
    const attached = (await bed.contextFor(board).fileLoaders.fileById.load(file.id))!;
    const fresh = bed.contextFor(neighbour);
    await expect(fresh.files.url(fresh, attached, 'original')).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const resident = viewerIn(association, 'resident', { buildingIds: [building] });
    const inBuilding = bed.contextFor(resident);
    expect(await inBuilding.files.url(inBuilding, attached, 'original')).toMatch(/^https:\/\/tunet\.test\/files\//);
  });

  it('costs the same number of queries for the attachments of 20 or 100 posts', async () => {
    const reader = viewerIn(randomUUID());
    const writer = viewerIn(reader.associationId);
    for (let i = 0; i < 100; i++) {
      const post = await publish(writer);
      const file = await uploaded(writer, `${i}.txt`, Buffer.from(String(i)));
      await setAttachments(writer, post.id, [file.id]);
    }
    const feed = 'query ($first: Int) { posts(first: $first) { nodes { id attachments { id url displayUrl } } } }';
    await bed.execute(reader, feed, { first: 1 });
    const cost = async (first: number) => {
      const before = bed.db.queryCount;
      const result = await bed.execute(reader, feed, { first });
      expect(result.errors).toBeUndefined();
      const nodes = (result.data!.posts as { nodes: { attachments: { url: string }[] }[] }).nodes;
      expect(nodes).toHaveLength(first);
      expect(nodes.every((node) => node.attachments.length === 1)).toBe(true);
      return bed.db.queryCount - before;
    };
    const twenty = await cost(20);
    expect(twenty).toBeGreaterThan(0);
    expect(await cost(100)).toBe(twenty);
  });
});

describe('the purge of unused uploads', () => {
  const association = randomUUID();
  const author = viewerIn(association);

  const age = (id: string, hours: number) =>
    bed.db.system((tx) => tx.execute(sql`update posts.files set created_at = now() - make_interval(hours => ${hours}) where id = ${id}`));
  const exists = async (id: string) =>
    (
      await bed.db.system((tx) =>
        tx
          .select()
          .from(files)
          .where(sql`id = ${id}`),
      )
    ).length > 0;
  const objectsOf = async (id: string) => {
    try {
      return await readdir(path.join(bed.storageDir, association, id));
    } catch {
      return [];
    }
  };

  it('deletes uploads unused for a day with their stored objects, and keeps everything else', async () => {
    const stale = await uploaded(author, 'gammel.jpg', await phoneJpeg());
    const fresh = await uploaded(author, 'ny.txt', Buffer.from('ny'));
    const attached = await uploaded(author, 'vedlegg.txt', Buffer.from('v'));
    const detached = await uploaded(author, 'fjernet.txt', Buffer.from('f'));
    const post = await publish(author);
    await setAttachments(author, post.id, [attached.id, detached.id]);
    await setAttachments(author, post.id, [attached.id]);
    for (const id of [stale.id, attached.id, detached.id]) await age(id, 25);
    await age(fresh.id, 23);
    expect((await objectsOf(stale.id)).sort()).toEqual(['display', 'original', 'thumbnail']);

    while (await bed.subgraph.files.purgeUnattached()) {
      // More than one batch may be waiting from other tests' uploads.
    }

    expect(await exists(stale.id)).toBe(false);
    expect(await objectsOf(stale.id)).toEqual([]);
    expect(await exists(detached.id)).toBe(false);
    expect(await exists(fresh.id)).toBe(true);
    expect(await exists(attached.id)).toBe(true);
    expect(await objectsOf(attached.id)).toEqual(['original']);
  });
});

describe('tenancy', () => {
  it('row-level security hides files from another association even without a filter', async () => {
    const a = viewerIn(randomUUID());
    const file = await uploaded(a, 'a.txt', Buffer.from('a'));
    expect(await bed.db.tenant(randomUUID(), (tx) => tx.select().from(files))).toEqual([]);
    expect((await bed.db.tenant(a.associationId, (tx) => tx.select().from(files))).map((f) => f.id)).toEqual([file.id]);
  });

  it('loads another association’s file id as nothing', async () => {
    const file = await uploaded(viewerIn(randomUUID()), 'a.txt', Buffer.from('a'));
    expect(await bed.contextFor(viewerIn(randomUUID())).fileLoaders.fileById.load(file.id)).toBeNull();
  });
});
