import { randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { processImage, type Entitlements, type Viewer } from '@tunet/kit';
import { phoneJpeg } from '@tunet/kit/src/files/files.fixtures';
import { sql } from 'drizzle-orm';
import { files } from '../tables';
import { openPostsTestBed, viewerIn, type PostsTestBed } from '../posts.fixtures';

let bed: PostsTestBed;

beforeAll(async () => {
  bed = await openPostsTestBed();
});

afterAll(() => bed.close());

const GIB = 1024 ** 3;

/** Entitlements as the gateway signs them for the association: the base plan, with `storageBytes` as given. */
const entitled = (associationId: string, storageBytes: number, features: string[] = ['base']): Entitlements => ({
  associationId,
  features,
  limits: { storageBytes, smsPerMonth: 0 },
});

async function upload(viewer: Viewer, fileName: string, bytes: Buffer, entitlements?: Entitlements) {
  return bed.execute(
    viewer,
    `mutation ($input: UploadFileInput!) { uploadFile(input: $input) { file { id size } } }`,
    { input: { fileName, contentBase64: bytes.toString('base64') } },
    entitlements,
  );
}

async function uploaded(viewer: Viewer, fileName: string, bytes: Buffer, entitlements?: Entitlements): Promise<{ id: string; size: number }> {
  const result = await upload(viewer, fileName, bytes, entitlements);
  expect(result.errors).toBeUndefined();
  return (result.data!.uploadFile as { file: { id: string; size: number } }).file;
}

/** Association.storageUsage as the gateway asks for it: through the entity reference. */
async function storageUsage(viewer: Viewer, associationId: string, entitlements?: Entitlements) {
  const result = await bed.execute<{ _entities: { storageUsage: { usedBytes: number; limitBytes: number } | null }[] }>(
    viewer,
    `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Association { storageUsage { usedBytes limitBytes } } } }`,
    { representations: [{ __typename: 'Association', id: associationId }] },
    entitlements,
  );
  return { usage: result.data?._entities[0]?.storageUsage ?? null, error: result.errors?.[0]?.extensions };
}

/** The bytes stored for the association, read from the storage itself: every object of every file. */
async function bytesOnDisk(associationId: string): Promise<number> {
  const root = path.join(bed.storageDir, associationId);
  let total = 0;
  for (const id of await readdir(root).catch(() => [])) {
    for (const object of await readdir(path.join(root, id))) total += (await stat(path.join(root, id, object))).size;
  }
  return total;
}

const storedFiles = async (associationId: string) => (await readdir(path.join(bed.storageDir, associationId)).catch(() => [])).length;
const text = (bytes: number) => Buffer.alloc(bytes, 'a');

describe('the storage total', () => {
  it('counts an image with its display and thumbnail variants', async () => {
    const association = randomUUID();
    const board = viewerIn(association, 'board');
    const photo = await uploaded(board, 'gård.jpg', await phoneJpeg(2400, 1800), entitled(association, 5 * GIB));
    const { usage } = await storageUsage(board, association);
    expect(usage!.usedBytes).toBe(await bytesOnDisk(association));
    expect(usage!.usedBytes).toBeGreaterThan(photo.size);
  });

  it('refuses an image whose variants take it over the limit though its original fits, before storing anything', async () => {
    const association = randomUUID();
    const resident = viewerIn(association);
    const photo = await phoneJpeg(2400, 1800);
    const { original, display, thumbnail } = (await processImage(photo, 'image/jpeg'))!.variants;
    const allThree = original.length + display.length + thumbnail.length;

    const refused = await upload(resident, 'gård.jpg', photo, entitled(association, allThree - 1));
    expect(refused.errors?.[0]?.extensions).toEqual({
      code: 'CONFLICT',
      reason: 'STATE_CONFLICT',
      field: 'contentBase64',
      usedBytes: 0,
      limitBytes: allThree - 1,
      fileBytes: allThree,
      feature: 'extraStorage',
    });
    expect(refused.errors?.[0]?.message).toMatch(/storage is full/);
    expect(await storedFiles(association)).toBe(0);

    await uploaded(resident, 'gård.jpg', photo, entitled(association, allThree));
    expect(await bytesOnDisk(association)).toBe(allThree);
  });

  it('refuses the upload that would pass the limit, naming no add-on to an association that has extraStorage', async () => {
    const association = randomUUID();
    const resident = viewerIn(association);
    const withExtra = entitled(association, 10_000, ['base', 'extraStorage']);
    await uploaded(resident, 'a.txt', text(6_000), withExtra);
    const refused = await upload(resident, 'b.txt', text(6_000), withExtra);
    expect(refused.errors?.[0]?.extensions).toEqual({
      code: 'CONFLICT',
      reason: 'STATE_CONFLICT',
      field: 'contentBase64',
      usedBytes: 6_000,
      limitBytes: 10_000,
      fileBytes: 6_000,
    });
    expect(await storedFiles(association)).toBe(1);
    await uploaded(resident, 'c.txt', text(4_000), withExtra);
  });

  it("applies the base plan's 5 GiB without entitlements, or with another association's", async () => {
    const association = randomUUID();
    const board = viewerIn(association, 'board');
    // A large document library, written directly: the test cannot upload 5 GiB.
    await bed.db.tenant(association, (tx) =>
      tx.insert(files).values({
        associationId: association,
        id: randomUUID(),
        uploadedByMemberId: board.memberId,
        fileName: 'arkiv.pdf',
        contentType: 'application/pdf',
        sizeBytes: 2 * GIB - 1,
        storedBytes: 5 * GIB - 1_000,
      }),
    );
    const elsewhere = entitled(randomUUID(), 105 * GIB, ['base', 'extraStorage']);

    for (const entitlements of [undefined, elsewhere]) {
      expect((await storageUsage(board, association, entitlements)).usage).toEqual({ usedBytes: 5 * GIB - 1_000, limitBytes: 5 * GIB });
      expect((await upload(board, 'ny.txt', text(2_000), entitlements)).errors?.[0]?.extensions).toMatchObject({
        code: 'CONFLICT',
        limitBytes: 5 * GIB,
      });
    }
    const extra = entitled(association, 105 * GIB, ['base', 'extraStorage']);
    expect((await storageUsage(board, association, extra)).usage).toEqual({ usedBytes: 5 * GIB - 1_000, limitBytes: 105 * GIB });
    await uploaded(board, 'ny.txt', text(2_000), extra);
  });

  it('lets racing uploads take the last room only as far as it goes', async () => {
    const association = randomUUID();
    const residents = Array.from({ length: 6 }, () => viewerIn(association));
    const limit = entitled(association, 25_000);
    const results = await Promise.all(residents.map((resident, i) => upload(resident, `${i}.txt`, text(10_000), limit)));
    expect(results.filter((result) => !result.errors)).toHaveLength(2);
    expect(results.filter((result) => result.errors?.[0]?.extensions.code === 'CONFLICT')).toHaveLength(4);
    expect(await bytesOnDisk(association)).toBe(20_000);
    expect((await storageUsage(viewerIn(association, 'board'), association, limit)).usage).toEqual({ usedBytes: 20_000, limitBytes: 25_000 });
  });

  it('frees the bytes of a deleted file', async () => {
    const association = randomUUID();
    const resident = viewerIn(association);
    const limit = entitled(association, 10_000);
    const unused = await uploaded(resident, 'utkast.txt', text(8_000), limit);
    expect((await upload(resident, 'endelig.txt', text(8_000), limit)).errors?.[0]?.extensions.code).toBe('CONFLICT');

    await bed.db.system((tx) => tx.execute(sql`update posts.files set created_at = now() - interval '25 hours' where id = ${unused.id}`));
    while (await bed.subgraph.files.purgeUnattached()) {
      // More than one batch may be waiting from other tests' uploads.
    }

    expect((await storageUsage(viewerIn(association, 'board'), association, limit)).usage!.usedBytes).toBe(0);
    await uploaded(resident, 'endelig.txt', text(8_000), limit);
  });

  it('measures the variants of images uploaded before they were recorded, counting them high until then', async () => {
    const association = randomUUID();
    const board = viewerIn(association, 'board');
    const photo = await uploaded(board, 'gammel.jpg', await phoneJpeg(1200, 900));
    await bed.db.system((tx) => tx.execute(sql`update posts.files set stored_bytes = null where id = ${photo.id}`));
    expect((await storageUsage(board, association)).usage!.usedBytes).toBe(3 * photo.size);

    while (await bed.subgraph.files.measureUnmeasured()) {
      // One batch of 50 at a time.
    }

    expect((await storageUsage(board, association)).usage!.usedBytes).toBe(await bytesOnDisk(association));
  });

  it("is the board's to see: residents and other associations' boards are FORBIDDEN", async () => {
    const association = randomUUID();
    for (const viewer of [viewerIn(association), viewerIn(association, 'external'), viewerIn(randomUUID(), 'board')]) {
      expect(await storageUsage(viewer, association)).toEqual({ usage: null, error: expect.objectContaining({ code: 'FORBIDDEN' }) });
    }
    expect((await storageUsage(viewerIn(association, 'board'), association)).usage).toEqual({ usedBytes: 0, limitBytes: 5 * GIB });
  });
});
