import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { PublicRequest, SubgraphDatabase } from '@tunet/kit';
import { openTestDatabase, viewerIn, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { sql } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { archivesPrivacyPart } from './archives.privacy';
import { MemoryStorage, sampleAnswers } from './archives.fixtures';
import { ArchivesRepository } from './archives.repository';
import { ArchivesService } from './archives.service';

const A = randomUUID();
const B = randomUUID();

describe('export archives', () => {
  let database: TestDatabase;
  let db: SubgraphDatabase;
  let storage: MemoryStorage;
  let repository: ArchivesRepository;
  let archives: ArchivesService;
  let now: Date;

  beforeAll(async () => {
    database = await openTestDatabase();
    db = database.connection.forSubgraph('privacy', path.resolve(__dirname, '../../migrations'));
    await db.migrate();
  }, 120_000);

  afterAll(() => database.drop());

  beforeEach(() => {
    now = new Date('2026-03-01T10:00:00Z');
    storage = new MemoryStorage();
    repository = new ArchivesRepository(db);
    archives = new ArchivesService(repository, storage, () => now);
  });

  async function publish(associationId: string, memberId: string, requestedBy: string | null = null) {
    const requestId = randomUUID();
    const fileId = randomUUID();
    const parts = sampleAnswers(memberId, fileId).map((answer) => ({ subgraph: answer.subgraph, answer }));
    let completed = false;
    const archive = await archives.publish(
      { associationId, requestId, memberId, requestedBy, parts, fetchFile: async () => Buffer.from('%PDF-1.7\n') },
      async () => void (completed = true),
    );
    return { requestId, fileId, archive, completed };
  }

  const rows = async (query: ReturnType<typeof sql>) => {
    const result: unknown = await db.system((tx) => tx.execute(query));
    return (result as { rows: Record<string, unknown>[] }).rows;
  };

  function publicRequest(url: string): PublicRequest {
    const parsed = new URL(url, 'https://tunet.example');
    return {
      path: parsed.pathname.replace('/privacy-archives', ''),
      query: Object.fromEntries(parsed.searchParams),
      context: { requestId: randomUUID(), clientIp: '', viewer: null, publicOrigin: 'https://tunet.example' },
    };
  }

  it('stores the zip, records it and announces privacy.export_ready in the same transaction as the completion', async () => {
    const person = randomUUID();
    const board = randomUUID();
    const { requestId, fileId, archive, completed } = await publish(A, person, board);
    expect(completed).toBe(true);
    expect(archive.expiresAt.toISOString()).toBe('2026-03-08T10:00:00.000Z');
    const zip = unzipSync(storage.objects.get(`${A}/${requestId}/archive`)!);
    expect(strFromU8(zip[`files/posts/${fileId}-_.._årsmøte.pdf`]!)).toBe('%PDF-1.7\n');
    const events = await rows(
      sql`select association_id, payload from privacy.outbox where topic = 'privacy.export_ready' and payload->>'requestId' = ${requestId}`,
    );
    expect(events).toEqual([{ association_id: A, payload: { requestId, memberId: person, requestedBy: board, expiresAt: '2026-03-08T10:00:00.000Z' } }]);
  });

  it("summarises the association's purposes register and the sub-processors in force, each in its language", async () => {
    const later = randomUUID();
    await db.system((tx) =>
      tx.execute(sql`insert into privacy.subprocessor_changes (id, subprocessor_id, change, name, purpose_nb, purpose_en, country, data_categories,
          transfer_mechanism, effective_on, announced_at)
        values (${later}, ${later}, 'added', 'Later SMS AS', 'Sender SMS.', 'Sends text messages.', 'Norge', '{phone}', 'EØS', '2026-04-01', ${now})`),
    );
    const { requestId } = await publish(A, randomUUID());
    const zip = unzipSync(storage.objects.get(`${A}/${requestId}/archive`)!);
    const [nb, en] = [strFromU8(zip['summary.nb.md']!), strFromU8(zip['summary.en.md']!)];
    expect(en).toContain('- **Member directory** — contract (art. 6(1)(b)): The names, homes and roles');
    expect(nb).toContain('- **Beboerregister** — avtale (art. 6 nr. 1 b): Navn, bolig og roller');
    expect(en).toContain('Google Firebase Cloud Messaging \\(Google LLC\\)** (');
    expect(en).toContain('— Delivers push notifications to Android apps and Chrome.');
    expect(nb).toContain('— Leverer push-varsler til Android-apper og Chrome.');
    expect(en).not.toContain('could not be read');
    // announced, not yet in force
    expect(en).not.toContain('Later SMS');
  });

  it('records nothing and announces nothing when the completion fails', async () => {
    const requestId = randomUUID();
    const parts = sampleAnswers(randomUUID(), randomUUID()).map((answer) => ({ subgraph: answer.subgraph, answer }));
    const input = { associationId: A, requestId, memberId: randomUUID(), requestedBy: null, parts, fetchFile: async () => Buffer.from('x') };
    await expect(archives.publish(input, async () => Promise.reject(new Error('request moved on')))).rejects.toThrow('request moved on');
    expect(await rows(sql`select 1 from privacy.export_archives where request_id = ${requestId}`)).toEqual([]);
    expect(await rows(sql`select 1 from privacy.outbox where payload->>'requestId' = ${requestId}`)).toEqual([]);
  });

  it('gives a ten-minute link to the person alone; the board, even the member who asked, sees the archive without a link', async () => {
    const person = randomUUID();
    const board = randomUUID();
    const { requestId, archive } = await publish(A, person, board);
    const own = await archives.download({ ...viewerIn(A), memberId: person }, 'https://tunet.example', A, requestId);
    expect(own).toMatchObject({ sizeBytes: archive.sizeBytes, archiveExpiresAt: archive.expiresAt, expiresAt: new Date('2026-03-01T10:10:00Z') });
    const withoutLink = { url: null, expiresAt: null, sizeBytes: archive.sizeBytes, archiveExpiresAt: archive.expiresAt };
    expect(await archives.download({ ...viewerIn(A, 'board'), memberId: board }, null, A, requestId)).toEqual(withoutLink);
    expect(await archives.download(viewerIn(A, 'board'), null, A, requestId)).toEqual(withoutLink);
    expect(await archives.download(viewerIn(A, 'resident'), null, A, requestId)).toBeNull();
    // the person's member id in another association's token, and the archive asked for through another association
    expect(await archives.download({ ...viewerIn(B), memberId: person }, null, A, requestId)).toBeNull();
    expect(await archives.download({ ...viewerIn(B), memberId: person }, null, B, requestId)).toBeNull();

    const served = await archives.serve(publicRequest(own!.url!));
    expect(served.contentType).toBe('application/zip');
    expect(Object.keys(unzipSync(served.body as Buffer))).toContain('summary.nb.md');

    now = new Date('2026-03-01T10:10:00Z');
    await expect(archives.serve(publicRequest(own!.url!))).rejects.toMatchObject({ status: 410 });
    const forged = own!.url!.replace(requestId, randomUUID());
    await expect(archives.serve(publicRequest(forged))).rejects.toMatchObject({ status: 403 });
  });

  it('expires archives after seven days with their bytes; a second run changes nothing; every run is logged', async () => {
    const { requestId } = await publish(B, randomUUID());
    const runs = async () => rows(sql`select changed from privacy.archive_job_runs where started_at = ${now} order by finished_at`);
    now = new Date('2026-03-08T09:59:59Z');
    await archives.expire();
    expect(await runs()).toEqual([{ changed: 0 }]);
    expect(storage.objects.size).toBe(1);

    // every archive of this file's tests was made at the same instant, so all of them are due now
    const [{ count }] = (await rows(sql`select count(*)::int as count from privacy.export_archives`)) as [{ count: number }];
    now = new Date('2026-03-08T10:00:00Z');
    await archives.expire();
    await archives.expire();
    expect(await runs()).toEqual([{ changed: count }, { changed: 0 }]);
    expect(storage.objects.size).toBe(0);
    expect(await rows(sql`select 1 from privacy.export_archives where request_id = ${requestId}`)).toEqual([]);
  });

  it('erases the archives about a person with their bytes and drops them as requester; again changes nothing', async () => {
    const person = randomUUID();
    const mine = await publish(A, person);
    const asked = await publish(A, randomUUID(), person);
    const part = archivesPrivacyPart(repository, storage);
    const subject = { requestId: randomUUID(), associationId: A, memberId: person };
    const policy = { keepContent: [], tombstoneMemberId: randomUUID(), reason: 'request' as const };

    const exported = await db.tenant(A, (tx) => part.export(tx, subject));
    expect(exported.export_archives!.map((row) => row.request_id).sort()).toEqual([mine.requestId, asked.requestId].sort());
    // another association finds nothing of the person
    expect(await db.tenant(B, (tx) => part.export(tx, { ...subject, associationId: B }))).toEqual({ export_archives: [] });

    expect(await db.tenant(A, (tx) => part.erase(tx, subject, policy))).toMatchObject([{ table: 'export_archives', action: 'erased', rows: 2 }]);
    expect(storage.objects.has(`${A}/${mine.requestId}/archive`)).toBe(false);
    expect(storage.objects.has(`${A}/${asked.requestId}/archive`)).toBe(true);
    expect(await rows(sql`select requested_by from privacy.export_archives where request_id = ${asked.requestId}`)).toEqual([{ requested_by: null }]);
    expect(await db.tenant(A, (tx) => part.erase(tx, subject, policy))).toMatchObject([{ rows: 0 }]);
  });
});
