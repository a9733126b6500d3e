import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  closeFastStore,
  FilesystemStorage,
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_FILE_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  PublicRouteError,
  type FastStore,
  type MemberHome,
  type MemberHomes,
  type MemberReferences,
  type PrivacyExportAnswer,
  type PublicResponse,
  type ReferenceIds,
  type RequestContext,
  type Viewer,
} from '@tunet/kit';
import { gpsLatitudeOf, phoneJpeg, png } from '@tunet/kit/src/files/files.fixtures';
import { openTestDatabase, openTestRedis, viewerIn, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import type { GraphQLError } from 'graphql';
import { OPERATIONS_FEATURE } from '../feature';
import type { ReportInput } from '../service-requests/service-requests.service';
import { PHOTOS_PER_HOUR } from './photos.rules';
import { createOperationsSubgraph, PHOTOS_ROUTE, type OperationsSubgraph } from '../subgraph';
import type { ServiceRequestStatus } from '../tables';

/**
 * Photos on service requests (decision 0041, addendum "photos"): sniffed and re-encoded without GPS, at most six,
 * only on requests the viewer works on, signed links that expire, no bytes left behind by a failed upload or an
 * erasure.
 */
const SOLBAKKEN = randomUUID();
const FJORDLY = randomUUID();
const BLOKK_A = randomUUID();
const OLA_UNIT = randomUUID();

class ArrangedMembers implements MemberReferences, MemberHomes {
  readonly homes = new Map<string, MemberHome[]>();
  existing(associationId: string, references: Partial<ReferenceIds>): Promise<ReferenceIds> {
    const buildings: string[] = associationId === SOLBAKKEN ? [BLOKK_A] : [];
    return Promise.resolve({
      memberIds: [],
      committeeIds: [],
      unitIds: [],
      buildingIds: (references.buildingIds ?? []).filter((id) => buildings.includes(id)),
    });
  }
  homesOf(associationId: string, memberId: string): Promise<MemberHome[]> {
    return Promise.resolve(associationId === SOLBAKKEN ? (this.homes.get(memberId) ?? []) : []);
  }
}

/** Fails the second put it is asked for, as a full disk or an S3 outage midway would. */
class FlakyStorage extends FilesystemStorage {
  failAfter: number | null = null;
  override async put(key: string, body: Buffer): Promise<void> {
    if (this.failAfter !== null && this.failAfter-- <= 0) throw new Error('storage unavailable');
    return super.put(key, body);
  }
}

const subscribed = (viewer: Viewer | null): RequestContext => ({
  viewer,
  requestId: 'test',
  clientIp: '127.0.0.1',
  publicOrigin: 'https://tunet.test',
  entitlements: viewer?.associationId ? { associationId: viewer.associationId, features: ['base', OPERATIONS_FEATURE], limits: {} } : null,
});

async function refusal(promise: Promise<unknown>): Promise<GraphQLError['extensions'] | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    return (error as GraphQLError).extensions ?? { message: String(error) };
  }
}

describe('photos on service requests', () => {
  let database: TestDatabase;
  let store: FastStore;
  let storageDir: string;
  let storage: FlakyStorage;
  let operations: OperationsSubgraph;
  const members = new ArrangedMembers();
  let now = new Date('2026-12-07T09:00:00Z');
  const ola = viewerIn(SOLBAKKEN, 'resident', { unitIds: [OLA_UNIT], buildingIds: [BLOKK_A] });
  const neighbour = viewerIn(SOLBAKKEN, 'resident', { buildingIds: [BLOKK_A] });
  const kari = viewerIn(SOLBAKKEN, 'board');
  const eva = viewerIn(FJORDLY, 'board');
  const leak: ReportInput = {
    category: 'plumbing',
    location: { kind: 'unit', unitId: OLA_UNIT },
    title: 'Lekker under vasken',
    description: 'Det drypper fra avløpet under kjøkkenvasken.',
  };
  const report = (input: Partial<ReportInput> = {}) => operations.serviceRequests.report(subscribed(ola), { ...leak, ...input });
  const add = (viewer: Viewer, requestId: string, bytes: Buffer, fileName = 'IMG_0042.JPG') =>
    operations.photos.add(subscribed(viewer), { requestId, fileName, contentBase64: bytes.toString('base64') });
  const move = (id: string, status: ServiceRequestStatus) => operations.serviceRequests.changeStatus(subscribed(kari), { id, status });
  const photosOf = async (viewer: Viewer, requestId: string) =>
    operations.photos.photosOf(subscribed(viewer), await operations.serviceRequests.get(subscribed(viewer), requestId));
  const objects = async (photoId: string) => readdir(path.join(storageDir, SOLBAKKEN, photoId)).catch(() => []);
  /** Every stored object of the association, as `<photo>/<variant>`. */
  const storedObjects = async () => (await readdir(path.join(storageDir, SOLBAKKEN), { recursive: true })).filter((entry) => entry.includes(path.sep)).sort();
  const route = (name: string) => operations.definition.internalRoutes![name]!;

  /** Opens a signed link as the gateway forwards it: no viewer, only the URL. */
  async function open(url: string): Promise<PublicResponse | number> {
    const { pathname, searchParams } = new URL(url);
    expect(pathname.startsWith(`/${PHOTOS_ROUTE}/`)).toBe(true);
    try {
      return await operations.definition.publicRoutes![PHOTOS_ROUTE]!({
        path: pathname.slice(PHOTOS_ROUTE.length + 1),
        query: Object.fromEntries(searchParams),
        context: { viewer: null, requestId: 'test', clientIp: '127.0.0.1' },
      });
    } catch (error) {
      if (error instanceof PublicRouteError) return error.status;
      throw error;
    }
  }

  beforeAll(async () => {
    database = await openTestDatabase();
    store = await openTestRedis();
    storageDir = await mkdtemp(path.join(tmpdir(), 'operations-photos-'));
    storage = new FlakyStorage(storageDir);
    members.homes.set(ola.memberId, [{ unitId: OLA_UNIT, buildingId: BLOKK_A }]);
    operations = await createOperationsSubgraph({
      database: database.connection,
      store,
      internalSecret: 'photos-test-secret-photos-test-secret-photos',
      subgraphUrls: () => ({}),
      now: () => now,
      memberReferences: members,
      memberHomes: members,
      fileStorage: storage,
    });
    await operations.migrate();
  }, 120_000);
  afterAll(async () => {
    await closeFastStore(store);
    await database.drop();
    await rm(storageDir, { recursive: true, force: true });
  });

  it('a phone photo is stored upright without its GPS position and served through a signed link that expires', async () => {
    const request = await report();
    const photo = await phoneJpeg();
    expect(gpsLatitudeOf(photo)).not.toBeNull();
    const added = await add(ola, request.id, photo);
    expect(added).toMatchObject({ contentType: 'image/jpeg', width: 200, height: 300, fileName: 'IMG_0042.JPG', uploadedBy: { id: ola.memberId } });
    const [listed] = await photosOf(kari, request.id);
    const url = await operations.photos.url(subscribed(kari), listed!, 'original');
    expect(url).toMatch(new RegExp(`^https://tunet\\.test/${PHOTOS_ROUTE}/${added.id}/original\\?exp=\\d+&sig=`));
    const served = (await open(url)) as PublicResponse;
    expect(served.contentType).toBe('image/jpeg');
    // The same link a minute later, so an app's image cache keeps the photo; cached no longer than it lives (0047).
    const exp = Number(new URL(url).searchParams.get('exp'));
    expect(served.headers).toMatchObject({ 'cache-control': `private, max-age=${exp - now.getTime() / 1000}`, etag: `"${added.id}.original"` });
    now = new Date(now.getTime() + 60_000);
    expect(await operations.photos.url(subscribed(kari), listed!, 'original')).toBe(url);
    expect((served.body as Buffer).length).toBe(added.sizeBytes);
    expect(gpsLatitudeOf(served.body as Buffer)).toBeNull();
    expect(await open(url.replace(/sig=.{4}/, 'sig=AAAA'))).toBe(403);
    expect(await open(url.replace('/original?', '/thumbnail?'))).toBe(403);
    now = new Date(exp * 1000);
    expect(await open(url)).toBe(410);
  });

  it('refuses what is not a JPEG, PNG or WebP by its bytes, whatever its name', async () => {
    const request = await report();
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    expect(await refusal(add(ola, request.id, pdf, 'photo.jpg'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contentBase64' });
    expect(await refusal(add(ola, request.id, Buffer.from('GIF89a'), 'photo.gif'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contentBase64' });
    expect(await refusal(add(ola, request.id, Buffer.alloc(10 * 1024 * 1024 + 1, 0xff)))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contentBase64' });
    expect(await photosOf(ola, request.id)).toEqual([]);
  });

  it("takes six photos from the reporter and six from the board and assignee, refuses a side's seventh, and a failed upload leaves no bytes", async () => {
    const request = await report();
    const image = await png(40, 30);
    for (let i = 0; i < 6; i++) {
      now = new Date(now.getTime() + 1_000);
      await add(ola, request.id, image, `bilde-${i}.png`);
    }
    expect(await refusal(add(ola, request.id, image))).toMatchObject({ code: 'CONFLICT' });
    // The reporter's six leave the board's room: the repair is still documented.
    now = new Date(now.getTime() + 1_000);
    await add(kari, request.id, image, 'reparert.png');
    const photos = await photosOf(ola, request.id);
    expect(photos.map((p) => p.fileName)).toEqual(['bilde-0.png', 'bilde-1.png', 'bilde-2.png', 'bilde-3.png', 'bilde-4.png', 'bilde-5.png', 'reparert.png']);

    await operations.photos.remove(subscribed(kari), photos[0]!.id);
    expect(await objects(photos[0]!.id)).toEqual([]);
    // The original is stored, then the thumbnail fails: the original goes again, and no row is written.
    const before = await storedObjects();
    storage.failAfter = 1;
    expect(await refusal(add(ola, request.id, image))).toMatchObject({ message: expect.stringContaining('storage unavailable') });
    storage.failAfter = null;
    expect(await photosOf(ola, request.id)).toHaveLength(6);
    expect(await storedObjects()).toEqual(before);
  });

  it(`limits a member to ${PHOTOS_PER_HOUR} uploads an hour, counting refused ones (RATE_LIMITED), another member unaffected`, async () => {
    const request = await report({ title: 'Mange bilder' });
    const busy = viewerIn(SOLBAKKEN, 'board');
    for (let i = 0; i < PHOTOS_PER_HOUR; i++) {
      expect(await refusal(add(busy, request.id, Buffer.from('%PDF-1.7')))).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    expect(await refusal(add(busy, request.id, await png(4, 4)))).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    await add(kari, request.id, await png(4, 4));
  });

  it('only the reporter while open, the board and the assignee add; another resident or association gets NOT_FOUND', async () => {
    const request = await report();
    const image = await png(20, 20);
    expect(await refusal(add(neighbour, request.id, image))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refusal(add(eva, request.id, image))).toMatchObject({ code: 'NOT_FOUND' });
    const mine = await add(ola, request.id, image);
    expect(await refusal(operations.photos.remove(subscribed(neighbour), mine.id))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refusal(operations.photos.remove(subscribed(eva), mine.id))).toMatchObject({ code: 'NOT_FOUND' });

    const shown = await report({ location: { kind: 'building', buildingId: BLOKK_A }, visibleToResidents: true });
    const boardPhoto = await add(kari, shown.id, image);
    // The neighbour sees it as already reported: the photo, not who added it; adding or removing is not theirs.
    expect(await photosOf(neighbour, shown.id)).toMatchObject([{ id: boardPhoto.id, uploadedBy: null }]);
    expect(await refusal(add(neighbour, shown.id, image))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(operations.photos.remove(subscribed(ola), boardPhoto.id))).toMatchObject({ code: 'FORBIDDEN' });

    for (const status of ['acknowledged', 'in_progress', 'resolved'] as const) await move(request.id, status);
    expect(await refusal(add(ola, request.id, image))).toMatchObject({ code: 'CONFLICT' });
    await add(kari, request.id, image);
    await move(request.id, 'closed');
    expect(await refusal(add(kari, request.id, image))).toMatchObject({ code: 'CONFLICT' });
  });

  it("exports a member's photos with their bytes, and erasure deletes rows and bytes unless posts are kept", async () => {
    const person = viewerIn(SOLBAKKEN, 'resident', { unitIds: [OLA_UNIT], buildingIds: [BLOKK_A] });
    members.homes.set(person.memberId, [{ unitId: OLA_UNIT, buildingId: BLOKK_A }]);
    const request = await operations.serviceRequests.report(subscribed(person), leak);
    const photo = await add(person, request.id, await png(30, 30), 'vask.png');
    const process: RequestContext = { viewer: null, requestId: 'test', clientIp: '' };
    const subject = { requestId: randomUUID(), associationId: SOLBAKKEN, memberId: person.memberId };
    const exported = (await route(PRIVACY_EXPORT_ROUTE)({ kind: 'privacy.export', ...subject }, process)) as PrivacyExportAnswer;
    expect(exported.files).toEqual([{ fileId: photo.id, name: 'vask.png', contentType: 'image/png', sizeBytes: photo.sizeBytes }]);
    expect(exported.tables.service_request_photos).toMatchObject([{ id: photo.id, request_id: request.id }]);
    const bytes = (await route(PRIVACY_EXPORT_FILE_ROUTE)({ kind: 'privacy.export-file', ...subject, fileId: photo.id }, process)) as { bytes: Buffer };
    expect(bytes.bytes.length).toBe(photo.sizeBytes);

    const erase = { kind: 'privacy.erase', ...subject, policy: { keepContent: [], tombstoneMemberId: randomUUID(), reason: 'request' } };
    const erased = (await route(PRIVACY_ERASE_ROUTE)(erase, process)) as { receipt: { table: string; action: string; rows: number }[] };
    expect(erased.receipt).toContainEqual(expect.objectContaining({ table: 'service_request_photos', action: 'erased', rows: 1 }));
    expect(await photosOf(kari, request.id)).toEqual([]);
    expect(await objects(photo.id)).toEqual([]);
  });
});
