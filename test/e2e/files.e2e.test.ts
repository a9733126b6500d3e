import { URL_MAX_LIFETIME_SECONDS, UrlSigner } from '@tunet/kit';
import { gpsLatitudeOf, phoneJpeg } from '@tunet/kit/src/files/files.fixtures';
import { codes, openE2E, type E2E } from './e2e.fixtures';

type Uploaded = { uploadFile: { file: { id: string; url: string; thumbnailUrl: string; width: number; height: number } } };

describe('files through the gateway', () => {
  let e2e: E2E;
  let ola: string;
  let per: string;
  let eva: string;
  let origin: string;

  beforeAll(async () => {
    e2e = await openE2E();
    const token = async (email: string) => (await e2e.login(email)).accessToken;
    ola = await token('ola@solbakken.example');
    per = await token('per@solbakken.example');
    eva = await token('eva@fjordly.example');
    origin = new URL(e2e.stack.gatewayUrl).origin;
  });
  afterAll(() => e2e.close());

  const upload = async (token: string, fileName: string, bytes: Buffer) => {
    const result = await e2e.gql<Uploaded>(
      'mutation ($i: UploadFileInput!) { uploadFile(input: $i) { file { id url thumbnailUrl width height } } }',
      { i: { fileName, contentBase64: bytes.toString('base64') } },
      token,
    );
    expect(result.errors).toBeUndefined();
    return result.data!.uploadFile.file;
  };

  it('uploads a photo and serves it by its signed link to a plain fetch, without a token or its GPS position', async () => {
    const photo = await phoneJpeg(300, 200);
    const file = await upload(ola, 'hage.jpg', photo);
    expect([file.width, file.height]).toEqual([200, 300]);
    expect(file.url.startsWith(`${origin}/files/${file.id}/original?`)).toBe(true);

    const response = await fetch(file.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('content-disposition')).toMatch(/^inline; filename="hage\.jpg"/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const body = Buffer.from(await response.arrayBuffer());
    expect(gpsLatitudeOf(photo)).not.toBeNull();
    expect(gpsLatitudeOf(body)).toBeNull();
    expect((await fetch(file.thumbnailUrl)).status).toBe(200);
  });

  it('answers 403 to a tampered link and 410 to an expired one', async () => {
    const file = await upload(ola, 'notat.txt', Buffer.from('Til styret'));
    const url = new URL(file.url);
    const sig = url.searchParams.get('sig')!;
    url.searchParams.set('sig', sig.startsWith('A') ? `B${sig.slice(1)}` : `A${sig.slice(1)}`);
    // The genuine link may be cached privately until it expires (decision 0047), under the variant's ETag.
    const genuine = await fetch(file.url);
    const exp = Number(new URL(file.url).searchParams.get('exp'));
    expect(genuine.headers.get('etag')).toBe(`"${file.id}.original"`);
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(genuine.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(exp - Math.floor(Date.now() / 1000) + 1);
    const tampered = await fetch(url);
    expect(tampered.status).toBe(403);
    expect(tampered.headers.get('content-type')).toMatch(/^text\/plain/);

    const pushedBack = new URL(file.url);
    pushedBack.searchParams.set('exp', String(Math.floor(Date.now() / 1000) - 60));
    expect((await fetch(pushedBack)).status).toBe(403);

    const longAgo = new UrlSigner(() => e2e.stack.posts.filesRepository.signingKey(), { nowMs: () => Date.now() - URL_MAX_LIFETIME_SECONDS * 1000 });
    expect((await fetch(await longAgo.sign(origin, file.id, 'original'))).status).toBe(410);
  });

  it('reaches the subgraph only through the gateway', async () => {
    const file = await upload(ola, 'notat.txt', Buffer.from('x'));
    const direct = new URL(`/public${new URL(file.url).pathname}${new URL(file.url).search}`, e2e.stack.subgraphUrls.posts);
    expect((await fetch(direct)).status).toBe(401);
  });

  it('attaches files to a post for its readers, and keeps them from another association', async () => {
    const file = await upload(ola, 'innkalling.txt', Buffer.from('Dugnad lørdag'));
    const created = await e2e.gql<{ createPost: { post: { id: string } } }>(
      'mutation { createPost(input: { title: "Dugnad", body: "Se vedlegg." }) { post { id } } }',
      {},
      ola,
    );
    expect(created.errors).toBeUndefined();
    const postId = created.data!.createPost.post.id;
    const set = await e2e.gql(
      'mutation ($i: SetPostAttachmentsInput!) { setPostAttachments(input: $i) { post { id } } }',
      { i: { postId, fileIds: [file.id] } },
      ola,
    );
    expect(set.errors).toBeUndefined();

    const read = await e2e.gql<{ post: { attachments: { fileName: string; url: string; uploadedBy: { displayName: string } }[] } }>(
      'query ($p: ID!) { post(id: $p) { attachments { fileName url uploadedBy { displayName } } } }',
      { p: postId },
      per,
    );
    const [attachment] = read.data!.post.attachments;
    expect(attachment).toMatchObject({ fileName: 'innkalling.txt', uploadedBy: { displayName: 'Ola Hansen' } });
    const download = await fetch(attachment!.url);
    expect(await download.text()).toBe('Dugnad lørdag');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="innkalling.txt"; filename*=UTF-8''innkalling.txt`);

    expect(codes(await e2e.gql('query ($p: ID!) { post(id: $p) { attachments { url } } }', { p: postId }, eva))).toEqual(['NOT_FOUND']);
    expect(
      codes(await e2e.gql('mutation ($i: SetPostAttachmentsInput!) { setPostAttachments(input: $i) { post { id } } }', { i: { postId, fileIds: [] } }, per)),
    ).toEqual(['FORBIDDEN']);
  });

  it("shows a post's own attached photo in its body by a fresh link, and another host's image only as a link", async () => {
    const photo = await upload(ola, 'benk.jpg', await phoneJpeg(300, 200));
    const body = `Ny benk: ![Benken](${photo.url})\n\nSlik: ![x](https://tracker.example/p.gif)`;
    const created = await e2e.gql<{ createPost: { post: { id: string } } }>(
      'mutation ($b: String!) { createPost(input: { title: "Benk", body: $b }) { post { id } } }',
      { b: body },
      ola,
    );
    expect(created.errors).toBeUndefined();
    const postId = created.data!.createPost.post.id;
    expect(
      (await e2e.gql('mutation ($i: SetPostAttachmentsInput!) { setPostAttachments(input: $i) { post { id } } }', { i: { postId, fileIds: [photo.id] } }, ola))
        .errors,
    ).toBeUndefined();

    const read = await e2e.gql<{ post: { bodyHtml: string } }>('query ($p: ID!) { post(id: $p) { bodyHtml } }', { p: postId }, per);
    const sources = [...read.data!.post.bodyHtml.matchAll(/<img [^>]*src="([^"]*)"/g)].map(([, src]) => src!.replace(/&amp;/g, '&'));
    expect(sources).toHaveLength(1);
    expect(sources[0]!.startsWith(`${origin}/files/${photo.id}/display?`)).toBe(true);
    expect((await fetch(sources[0]!)).status).toBe(200);
    expect(read.data!.post.bodyHtml).toContain('<a href="https://tracker.example/p.gif" rel="nofollow noopener noreferrer">x</a>');
  });

  it("opens Solbakken's demo statutes from the document library as a PDF download", async () => {
    const folders = await e2e.gql<{ documentFolders: { id: string; name: string }[] }>('{ documentFolders { id name } }', {}, per);
    const rules = folders.data!.documentFolders.find((folder) => folder.name === 'Husorden og vedtekter')!;
    const documents = await e2e.gql<{
      documents: { nodes: { title: string; currentVersion: { file: { url: string } }; createdBy: { displayName: string } }[] };
    }>('query ($f: ID!) { documents(folderId: $f) { nodes { title createdBy { displayName } currentVersion { file { url } } } } }', { f: rules.id }, per);
    const statutes = documents.data!.documents.nodes.find((document) => document.title === 'Vedtekter')!;
    expect(statutes.createdBy.displayName).toBe('Kari Nordmann');
    const pdf = await fetch(statutes.currentVersion.file.url);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment; filename="vedtekter\.pdf"/);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    expect((await e2e.gql<{ documentFolders: unknown[] }>('{ documentFolders { id } }', {}, eva)).data!.documentFolders).toEqual([]);
  });
});
