import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FilesystemStorage, runRetention, type FileStorage, type PrivacyMovedOutRequest, type SubgraphDatabase } from '@tunet/kit';
import { openTestDatabase, viewerIn, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { sql } from 'drizzle-orm';
import { SettingsRepository } from '../settings/settings.repository';
import type { MembersLookup } from './members-client';
import { partKey, RequestsJob } from './requests.job';
import { RequestsRepository } from './requests.repository';
import { RequestsService } from './requests.service';
import { movedOutPass } from './retention.service';

const A = randomUUID();
const B = randomUUID();
const GONE = randomUUID();
const STAYS = randomUUID();
const TOMBSTONE = randomUUID();
const SEATED = randomUUID();
const SUBGRAPHS = ['posts', 'members'];

/**
 * Members' moved-out route as a stand-in: A's former resident moved out on 2025-01-15, B's (whose board chose 24
 * months) on 2025-01-15 as well; it answers who qualifies for the cut-offs it is given, as members does.
 */
function fakeMembers(asked: PrivacyMovedOutRequest[]): MembersLookup {
  const movedOut = [
    { associationId: A, memberId: GONE, movedOutOn: '2025-01-15' },
    { associationId: B, memberId: STAYS, movedOutOn: '2025-01-15' },
  ];
  return {
    memberExists: () => Promise.resolve(true),
    tombstoneOf: () => Promise.resolve(TOMBSTONE),
    sitsOnBoard: (_associationId, memberId) => Promise.resolve(memberId === SEATED),
    timeZoneOf: () => Promise.resolve('Europe/Oslo'),
    movedOut: (request) => {
      asked.push(request);
      const cutoff = (associationId: string) => request.cutoffs.find((c) => c.associationId === associationId)?.cutoff ?? request.defaultCutoff;
      return Promise.resolve({ members: movedOut.filter((m) => m.movedOutOn <= cutoff(m.associationId)) });
    },
  };
}

describe('moved-out retention', () => {
  let database: TestDatabase;
  let db: SubgraphDatabase;

  beforeAll(async () => {
    database = await openTestDatabase();
    db = database.connection.forSubgraph('privacy', path.resolve(__dirname, '../../migrations'));
    await db.migrate();
  }, 120_000);

  afterAll(() => database.drop());

  it('opens one erasure request per person past their association’s period, logs every run, and opens nothing the second time', async () => {
    const settings = new SettingsRepository(db);
    const requests = new RequestsRepository(db);
    await settings.update(B, { kind: 'board', memberId: null }, (current) => ({ ...current, retentionMonths: 24 }), new Date());
    const asked: PrivacyMovedOutRequest[] = [];
    const deps = { members: fakeMembers(asked), settings, requests, subgraphs: SUBGRAPHS };
    const now = () => new Date('2026-03-01T10:00:00Z');

    const first = await runRetention(db, 'privacy.moved-out', now, (at) => movedOutPass(deps, at));
    const second = await runRetention(db, 'privacy.moved-out', now, (at) => movedOutPass(deps, at));

    expect(first).toEqual({ requests: 1 });
    expect(second).toEqual({ requests: 0 });
    // 12 months by default, B's own 24 months.
    expect(asked[0]).toMatchObject({ defaultCutoff: '2025-03-01', cutoffs: [{ associationId: B, cutoff: '2024-03-01' }], after: null });
    const [opened] = await requests.about(A, GONE);
    expect(opened).toMatchObject({ kind: 'erasure', reason: 'retention', requestedBy: null, status: 'in_progress', deadline: '2026-04-01' });
    expect(opened!.keepContent).toEqual(['posts', 'documents']);
    expect(await requests.about(B, STAYS)).toEqual([]);
    const steps = await requests.stepsOf(A, [opened!.id]);
    expect(steps.map((step) => [step.subgraph, step.status]).sort()).toEqual([
      ['members', 'pending'],
      ['posts', 'pending'],
    ]);
    const runs = (await db.system((tx) => tx.execute(sql`select job, rows from privacy.retention_runs order by id`))) as { rows: unknown[] };
    expect(runs.rows).toEqual([
      { job: 'privacy.moved-out', rows: { requests: 1 } },
      { job: 'privacy.moved-out', rows: { requests: 0 } },
    ]);
  });

  it('returns the open request when asked again, and refuses a fourth new request of a kind within a day (RATE_LIMITED)', async () => {
    const requests = new RequestsRepository(db);
    let now = new Date('2026-03-02T08:00:00Z');
    const service = new RequestsService(
      requests,
      fakeMembers([]),
      SUBGRAPHS,
      () => undefined,
      () => now,
    );
    const viewer = viewerIn(A);
    const ask = () => service.requestExport(viewer, {});
    const first = await ask();
    expect((await ask()).id).toBe(first.id);
    for (let answered = 0; answered < 3; answered++) {
      const open = await ask();
      await requests.complete(A, open.id, now);
      now = new Date(now.getTime() + 3_600_000);
    }
    await expect(ask()).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 21 * 3600 } });
    now = new Date('2026-03-03T08:00:01Z');
    expect((await ask()).status).toBe('in_progress');
  });

  it('counts the rate per requester: the board asking three times leaves the person’s own request free', async () => {
    const requests = new RequestsRepository(db);
    const now = new Date('2026-05-02T08:00:00Z');
    const service = new RequestsService(
      requests,
      fakeMembers([]),
      SUBGRAPHS,
      () => undefined,
      () => now,
    );
    const person = viewerIn(A);
    const board = viewerIn(A, 'board');
    for (let asked = 0; asked < 3; asked++) {
      const open = await service.requestExport(board, { memberId: person.memberId });
      await requests.complete(A, open.id, now);
    }
    await expect(service.requestExport(board, { memberId: person.memberId })).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(await service.requestExport(person, {})).toMatchObject({ status: 'in_progress', requestedBy: person.memberId });
  });

  it('publishes no archive of a person whose erasure was asked: the open export completes and its stored parts go', async () => {
    const requests = new RequestsRepository(db);
    const service = new RequestsService(requests, fakeMembers([]), SUBGRAPHS, () => undefined);
    const person = viewerIn(B);
    const exported = await service.requestExport(person, {});
    const storage: FileStorage = new FilesystemStorage(mkdtempSync(path.join(os.tmpdir(), 'privacy-parts-')));
    await storage.put(partKey(exported, 'posts'), Buffer.from('{}'), 'application/json');
    await service.requestErasure(person, {});
    const published: string[] = [];
    const job = new RequestsJob({
      repository: requests,
      subgraphUrls: () => ({}),
      internalSecret: 'secret',
      storage,
      publisher: { publish: (input) => Promise.resolve(published.push(input.requestId)) },
      intervalMs: 60_000,
      now: () => new Date(),
    });
    await job.runOnce();
    expect(published).toEqual([]);
    expect(await requests.get(B, exported.id)).toMatchObject({ status: 'completed' });
    expect(await storage.get(partKey(exported, 'posts'))).toBeNull();
  });

  it('builds the archive without a file deleted after its subgraph listed it, instead of staying BUILDING', async () => {
    const FILE = randomUUID();
    // posts and members as stand-ins: posts lists a file in its answer, then no longer has it (404)
    const server = createServer((req, res) => {
      const subgraph = req.url!.startsWith('/posts/') ? 'posts' : 'members';
      if (req.url!.endsWith('/privacy/export-file')) return void res.writeHead(404).end('no such file');
      const files = subgraph === 'posts' ? [{ fileId: FILE, name: 'slettet.pdf', contentType: 'application/pdf', sizeBytes: 9 }] : [];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ subgraph, tables: {}, files, receipt: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const requests = new RequestsRepository(db);
      const service = new RequestsService(requests, fakeMembers([]), SUBGRAPHS, () => undefined);
      const exported = await service.requestExport(viewerIn(A), {});
      // other cases leave open exports behind, which this job publishes too
      const fetched = new Map<string, Buffer | null>();
      const job = standInJob(requests, base, {
        publish: async (input, complete) => {
          fetched.set(input.requestId, await input.fetchFile('posts', FILE));
          await db.tenant(A, complete);
        },
      });
      await job.runOnce();
      await job.runOnce();
      expect(fetched.get(exported.id)).toBeNull();
      expect(await requests.get(A, exported.id)).toMatchObject({ status: 'completed' });
    } finally {
      server.close();
    }
  });

  /** The requests job with posts and members as the stand-ins at `base`, parts stored in a directory of its own. */
  function standInJob(
    requests: RequestsRepository,
    base: string,
    publisher: ConstructorParameters<typeof RequestsJob>[0]['publisher'],
    now = () => new Date(),
  ) {
    return new RequestsJob({
      repository: requests,
      subgraphUrls: () => ({ posts: `${base}/posts/graphql`, members: `${base}/members/graphql` }),
      internalSecret: 'secret',
      storage: new FilesystemStorage(mkdtempSync(path.join(os.tmpdir(), 'privacy-parts-'))),
      publisher,
      intervalMs: 60_000,
      now,
    });
  }

  /**
   * An export of a new association whose posts lists 20 files, run by a job on an injected clock: each file's fetch
   * calls `onFile` with how many were fetched and the clock; other cases' requests get 503 from the stand-ins.
   */
  async function bigExport(onFile: (fetched: number, clock: { now: number }) => Promise<void>) {
    const associationId = randomUUID();
    const FILES = Array.from({ length: 20 }, () => randomUUID());
    const clock = { now: Date.now() };
    const requests = new RequestsRepository(db);
    const exported = await new RequestsService(requests, fakeMembers([]), SUBGRAPHS, () => undefined).requestExport(viewerIn(associationId), {});
    let fetched = 0;
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const subgraph = req.url!.startsWith('/posts/') ? 'posts' : 'members';
        if ((JSON.parse(raw) as { requestId: string }).requestId !== exported.id) return void res.writeHead(503).end('unavailable');
        if (req.url!.endsWith('/privacy/export-file')) return void onFile(++fetched, clock).then(() => res.writeHead(200).end('jpeg'));
        const files = subgraph === 'posts' ? FILES.map((fileId) => ({ fileId, name: 'bilde.jpg', contentType: 'image/jpeg', sizeBytes: 4 })) : [];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ subgraph, tables: {}, files, receipt: [] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const job = standInJob(
      requests,
      base,
      {
        // as the archiver does: every listed file, one after another, then the request completes with the archive
        publish: async (input, complete) => {
          for (const part of input.parts) for (const file of part.answer.files) await input.fetchFile(part.subgraph, file.fileId);
          await db.tenant(input.associationId, complete);
        },
      },
      () => new Date(clock.now),
    );
    /** Runs the job until the export is no longer waiting for its subgraphs (other cases' open requests come first). */
    const run = async () => {
      for (let round = 0; round < 5 && (await requests.get(associationId, exported.id))!.status === 'in_progress'; round++) await job.runOnce();
    };
    /** What another privacy process leases at the clock's moment. */
    const othersLease = async () => (await requests.lease(new Date(clock.now), 5 * 60_000, 100)).map((row) => row.id);
    const status = async () => (await requests.get(associationId, exported.id))!.status;
    return { id: exported.id, run, othersLease, status, fetched: () => fetched, close: () => server.close() };
  }

  it("keeps an export from other processes while its archive's files are fetched, past the lease it started with", async () => {
    const seenByOthers: string[] = [];
    const big = await bigExport(async (fetched, clock) => {
      // each file takes the call's whole 30 s: 20 of them, 10 minutes, outlast the 5-minute lease
      clock.now += 30_000;
      if (fetched % 5 === 0) seenByOthers.push(...(await big.othersLease()));
    });
    try {
      await big.run();
      expect(big.fetched()).toBe(20);
      expect(seenByOthers).not.toContain(big.id);
      expect(await big.status()).toBe('completed');
    } finally {
      big.close();
    }
  });

  it('an export whose lease another process took while its files were fetched fetches no more and completes nothing', async () => {
    let theirs: string[] = [];
    const big = await bigExport(async (fetched, clock) => {
      // the fifth file's call hangs past the lease (a paused process): another process leases the export meanwhile
      if (fetched === 5) {
        clock.now += 6 * 60_000;
        theirs = await big.othersLease();
      }
    });
    try {
      await big.run();
      expect(theirs).toContain(big.id);
      expect(big.fetched()).toBe(5);
      expect(await big.status()).toBe('building');
    } finally {
      big.close();
    }
  });

  it('refuses the board an erasure of the tombstone (NOT_FOUND) and of a sitting board member (CONFLICT)', async () => {
    const service = new RequestsService(new RequestsRepository(db), fakeMembers([]), SUBGRAPHS, () => undefined);
    const board = viewerIn(A, 'board');
    await expect(service.requestErasure(board, { memberId: TOMBSTONE })).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(service.requestExport(board, { memberId: TOMBSTONE })).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(service.requestErasure(board, { memberId: SEATED })).rejects.toMatchObject({
      message: expect.stringContaining('end their board term first'),
      extensions: { code: 'CONFLICT' },
    });
    expect((await service.requestExport(board, { memberId: SEATED })).status).toBe('in_progress');
    expect(await new RequestsRepository(db).about(A, TOMBSTONE)).toEqual([]);
  });

  it('extends a request within its first month and refuses once the original deadline has passed (CONFLICT, art. 12(3))', async () => {
    let now = new Date('2026-03-10T10:00:00Z');
    const service = new RequestsService(
      new RequestsRepository(db),
      fakeMembers([]),
      SUBGRAPHS,
      () => undefined,
      () => now,
    );
    const board = viewerIn(A, 'board');
    const late = await service.requestExport(viewerIn(A), {});
    const early = await service.requestErasure(viewerIn(A), {});
    now = new Date('2026-04-10T21:59:00Z'); // the last minute of the first month in Oslo
    expect((await service.extend(board, { id: early.id, months: 1, reason: 'Mange delsystemer' })).deadline).toBe('2026-05-10');
    now = new Date('2026-04-10T22:00:00Z');
    await expect(service.extend(board, { id: late.id, months: 1, reason: 'For sent' })).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    // Nor a second month on top of the first once the first month is over.
    await expect(service.extend(board, { id: early.id, months: 1, reason: 'Enda mer' })).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect((await new RequestsRepository(db).get(A, late.id))!.extensionMonths).toBe(0);
  });
});
