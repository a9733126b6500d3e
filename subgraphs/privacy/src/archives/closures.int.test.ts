import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { PrivacyAssociationRequest, PublicResponse, SubgraphDatabase, Viewer } from '@tunet/kit';
import { openTestDatabase, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { capturedLogger } from '@tunet/kit/src/logger.fixtures';
import { sql } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { MemoryStorage } from './archives.fixtures';
import { ArchivesRepository } from './archives.repository';
import { ArchivesService } from './archives.service';
import { ClosureLinksRepository } from './closure-links.repository';
import { ClosureLinksService } from './closure-links.service';
import { ClosuresRepository } from './closures.repository';
import { ClosuresService } from './closures.service';

const SUBGRAPHS = ['posts', 'billing', 'members'];

describe("a terminated association's export and deletion", () => {
  let database: TestDatabase;
  let db: SubgraphDatabase;

  beforeAll(async () => {
    database = await openTestDatabase();
    db = database.connection.forSubgraph('privacy', path.resolve(__dirname, '../../migrations'));
    await db.migrate();
  }, 120_000);

  afterAll(() => database.drop());

  // The job serves every association, oldest first: a case's open closures are put out of reach when it ends (leased
  // for ever), so no later case's run meets them.
  afterEach(() => rows(sql`update privacy.association_closures set leased_until = 'infinity' where status <> 'erased'`));

  const rows = async (query: ReturnType<typeof sql>) => {
    const result: unknown = await db.system((tx) => tx.execute(query));
    return (result as { rows: Record<string, unknown>[] }).rows;
  };

  it('is exported when every subgraph answered, downloadable for three months, then deleted everywhere with a receipt; each job run twice changes nothing the second time', async () => {
    const associationId = randomUUID();
    const terminationId = randomUUID();
    const FILE = randomUUID();
    let now = new Date('2026-03-01T09:00:00Z');
    const down = new Set<string>(['billing']);
    const calls: string[] = [];
    const call = async (subgraph: string, route: string, payload: unknown): Promise<Response> => {
      const body = payload as PrivacyAssociationRequest & { fileId?: string };
      calls.push(`${subgraph} ${route}`);
      if (down.has(subgraph)) return new Response('unavailable', { status: 503 });
      if (body.associationId !== associationId || body.requestId !== terminationId) return new Response('wrong body', { status: 400 });
      if (route === 'privacy/export-association-file')
        return new Response(body.fileId === FILE ? 'minutes of the last meeting' : 'no such file', { status: body.fileId === FILE ? 200 : 404 });
      if (route === 'privacy/export-association') {
        const receipt = [{ table: `${subgraph}_rows`, action: 'exported', rows: 1, lawfulBasis: 'contract', keptUntil: null, note: null }];
        const files = subgraph === 'posts' ? [{ fileId: FILE, name: 'referat.txt', contentType: 'text/plain', sizeBytes: 27 }] : [];
        return Response.json({ subgraph, tables: { [`${subgraph}_rows`]: [{ id: 1, text: `${subgraph} of Solbakken` }] }, files, receipt });
      }
      const action = subgraph === 'billing' ? 'kept' : 'erased';
      return Response.json({ subgraph, receipt: [{ table: `${subgraph}_rows`, action, rows: 1, lawfulBasis: 'contract', keptUntil: null, note: null }] });
    };
    const storage = new MemoryStorage();
    const archives = new ArchivesService(new ArchivesRepository(db), storage, () => now);
    const closures = new ClosuresService(new ClosuresRepository(db), storage, archives.archiver, call, SUBGRAPHS, () => now);
    const runs = async () =>
      (await rows(sql`select changed from privacy.archive_job_runs where job = 'association_closures' order by finished_at`)).map((r) => r.changed);
    const closure = async () => (await rows(sql`select status, receipt_en from privacy.association_closures where association_id = ${associationId}`))[0];
    await db.tenant(associationId, (tx) =>
      tx.execute(sql`insert into privacy.settings (association_id, retention_months, keep_content) values (${associationId}, 12, '{}')`),
    );

    const start = { associationId, terminationId, terminatedOn: '2026-03-01', timeZone: 'Europe/Oslo', startedBy: 'event' as const };
    expect(await closures.start(start)).toBe(true);
    expect(await closures.start({ ...start, startedBy: 'operator' })).toBe(false);

    // billing is down: its step stays pending, the others are done, nothing is ready
    await closures.run();
    expect((await closure())!.status).toBe('exporting');
    expect(
      await rows(sql`select subgraph, attempts, last_error from privacy.association_closure_steps where association_id = ${associationId} and done_at is null`),
    ).toEqual([{ subgraph: 'billing', attempts: 1, last_error: 'billing answered HTTP 503' }]);

    down.clear();
    calls.length = 0;
    await closures.run();
    await closures.run();
    expect(calls).toEqual(['billing privacy/export-association', 'posts privacy/export-association-file']);
    expect((await closure())!.status).toBe('ready');
    const zip = unzipSync(storage.objects.get(`${associationId}/${terminationId}/archive`)!);
    expect(strFromU8(zip[`files/posts/${FILE}-referat.txt`]!)).toBe('minutes of the last meeting');
    expect(Object.keys(zip).sort()).toEqual([
      'billing.json',
      'billing/billing_rows.csv',
      `files/posts/${FILE}-referat.txt`,
      'members.json',
      'members/members_rows.csv',
      'posts.json',
      'posts/posts_rows.csv',
      'summary.en.md',
      'summary.nb.md',
    ]);
    expect(strFromU8(zip['summary.en.md']!)).toContain("A copy of the association's content");
    expect([...storage.objects.keys()]).toEqual([`${associationId}/${terminationId}/archive`]);
    expect(await rows(sql`select payload from privacy.outbox where topic = 'association.export_ready' and association_id = ${associationId}`)).toEqual([
      { payload: { exportId: terminationId, expiresAt: '2026-06-01T22:00:00.000Z' } },
    ]);

    // the last day of the three months, late in Oslo: still available
    now = new Date('2026-06-01T21:59:00Z');
    await closures.run();
    expect((await closure())!.status).toBe('ready');

    // the next day deletion starts; members does not answer yet
    now = new Date('2026-06-01T22:00:00Z');
    down.add('members');
    calls.length = 0;
    await closures.run();
    // in the order given, members last (not the steps' alphabetical order)
    expect(calls).toEqual(['posts privacy/erase-association', 'billing privacy/erase-association', 'members privacy/erase-association']);
    expect((await closure())!.status).toBe('erasing');
    expect(storage.objects.size).toBe(0);

    down.clear();
    await closures.run();
    await closures.run();
    const erased = await closure();
    expect(erased!.status).toBe('erased');
    expect(erased!.receipt_en).toContain('| members | members\\_rows | erased | 1 |');
    expect(erased!.receipt_en).toContain('| privacy | settings | erased | 1 |');
    expect(erased!.receipt_en).toContain('| privacy | access\\_log | kept | — |');
    expect(erased!.receipt_en).toContain('- billing.billing\\_rows: 1');
    expect(await rows(sql`select 1 from privacy.settings where association_id = ${associationId}`)).toEqual([]);
    expect(await rows(sql`select 1 from privacy.outbox where association_id = ${associationId}`)).toEqual([]);

    expect(await runs()).toEqual([0, 1, 0, 0, 1, 1, 0]);
  });

  /** A closure started at 2026-03-01 whose subgraphs answer `call`, and a way to make job instances over it. */
  async function startedClosure(
    call: (subgraph: string, route: string, payload: unknown) => Promise<Response>,
    clock = { now: new Date('2026-03-01T09:00:00Z') },
  ) {
    const associationId = randomUUID();
    const terminationId = randomUUID();
    const now = () => clock.now;
    const storage = new MemoryStorage();
    const archives = new ArchivesService(new ArchivesRepository(db), storage, now);
    const closures = () => new ClosuresService(new ClosuresRepository(db), storage, archives.archiver, call, SUBGRAPHS, now);
    await closures().start({ associationId, terminationId, terminatedOn: '2026-03-01', timeZone: 'Europe/Oslo', startedBy: 'event' });
    const status = async () => (await rows(sql`select status from privacy.association_closures where association_id = ${associationId}`))[0]!.status;
    return { associationId, terminationId, storage, archiver: archives.archiver, closures, status };
  }

  it('a file deleted after its subgraph listed it is named in the summary instead of holding the export back', async () => {
    const GONE = randomUUID();
    const { associationId, terminationId, storage, closures, status } = await startedClosure(async (subgraph, route) => {
      if (route === 'privacy/export-association-file') return new Response('no such file', { status: 404 });
      const files = subgraph === 'posts' ? [{ fileId: GONE, name: 'slettet.pdf', contentType: 'application/pdf', sizeBytes: 9 }] : [];
      return Response.json({ subgraph, tables: {}, files, receipt: [] });
    });
    await closures().run();
    expect(await status()).toBe('ready');
    const zip = unzipSync(storage.objects.get(`${associationId}/${terminationId}/archive`)!);
    expect(Object.keys(zip).some((name) => name.startsWith('files/'))).toBe(false);
    expect(strFromU8(zip['summary.en.md']!)).toContain(
      `were deleted after the service answered, before the archive was made, and are not included:\n\n- \`files/posts/${GONE}-slettet.pdf\``,
    );
  });

  it('two jobs at once ask each subgraph once and announce the export once', async () => {
    const calls: string[] = [];
    const { associationId, closures, status } = await startedClosure(async (subgraph, route) => {
      calls.push(`${subgraph} ${route}`);
      return Response.json({ subgraph, tables: {}, files: [], receipt: [] });
    });
    await Promise.all([closures().run(), closures().run()]);
    expect(calls.sort()).toEqual(SUBGRAPHS.map((subgraph) => `${subgraph} privacy/export-association`).sort());
    expect(await status()).toBe('ready');
    expect(await rows(sql`select 1 from privacy.outbox where topic = 'association.export_ready' and association_id = ${associationId}`)).toHaveLength(1);
  });

  it("an operator's protected link gives the export for the right access code, locks after five wrong ones, and ends with its seven days and the export's three months", async () => {
    const clock = { now: new Date('2026-03-01T09:00:00Z') };
    const down = new Set<string>();
    const { associationId, storage, closures, status } = await startedClosure(async (subgraph, route) => {
      if (down.has(subgraph)) return new Response('unavailable', { status: 503 });
      const exported = { subgraph, tables: { [`${subgraph}_rows`]: [{ id: 1 }] }, files: [], receipt: [] };
      return Response.json(route === 'privacy/export-association' ? exported : { subgraph, receipt: [] });
    }, clock);
    const links = new ClosureLinksService(new ClosureLinksRepository(db), new ClosuresRepository(db), storage, () => clock.now);
    const operator: Viewer = { accountId: randomUUID(), associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };
    const origin = 'https://tunet.test';
    const code = async (issued: { url: string }, typed: string, contentType = 'application/x-www-form-urlencoded') =>
      links.download({ ...request(issued.url), body: new URLSearchParams({ code: typed }).toString(), contentType });
    const request = (url: string) => ({
      path: new URL(url).pathname.replace('/privacy-archives', ''),
      query: {},
      context: { viewer: null, requestId: 'r', clientIp: '' },
    });
    const seen = (answer: PublicResponse) => ({ status: answer.status ?? 200, type: answer.contentType, body: answer.body.toString().slice(0, 2) });

    // while the export is being made there is nothing to link to
    await expect(links.issue(operator, origin, associationId)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    await expect(links.issue(operator, origin, randomUUID())).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await closures().run();
    expect(await status()).toBe('ready');

    clock.now = new Date('2026-03-10T12:00:00Z');
    const first = await links.issue(operator, origin, associationId);
    expect(first.url).toMatch(new RegExp(`^https://tunet\\.test/privacy-archives/closure/${associationId}/[A-Za-z0-9_-]{43}$`));
    expect(first.link).toMatchObject({ expiresAt: new Date('2026-03-17T12:00:00Z'), downloads: 0, failedAttempts: 0, revokedAt: null });
    expect(seen(await links.page(request(first.url)))).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect((await links.page(request(first.url))).body).toContain('name="code"');

    // the right code, typed loosely, downloads the zip; the download is counted
    const zip = await code(first, first.accessCode.toLowerCase().replace('-', ' '));
    expect(seen(zip)).toEqual({ status: 200, type: 'application/zip', body: 'PK' });
    expect(Object.keys(unzipSync(zip.body as Buffer))).toContain('summary.en.md');
    expect(seen(await code(first, first.accessCode, 'text/plain'))).toMatchObject({ status: 400 });

    // a token that is not ours, or another association's, opens nothing
    const forged = first.url.replace(/[A-Za-z0-9_-]{43}$/, 'A'.repeat(43));
    expect(seen(await links.page(request(forged)))).toMatchObject({ status: 404 });
    expect(seen(await code({ url: first.url.replace(associationId, randomUUID()) }, first.accessCode))).toMatchObject({ status: 404 });

    // a new link ends the first
    const second = await links.issue(operator, origin, associationId);
    const replaced = await code(first, first.accessCode);
    expect(replaced.status).toBe(410);
    expect(replaced.body).toContain('The link was replaced by a newer one from Tunet.');
    // a wrong code says how many tries are left; five, even at once, lock it for good: the right code then opens nothing
    const once = await code(second, 'WRONG-CODE0');
    expect(once.status).toBe(403);
    expect(once.body).toContain('You have 4 tries left before the link is locked.');
    const wrong = await Promise.all(Array.from({ length: 6 }, () => code(second, 'WRONG-CODE0')));
    expect(wrong.map((answer) => answer.status)).toEqual([403, 403, 403, 403, 403, 403]);
    const locked = await code(second, second.accessCode);
    expect(locked.status).toBe(403);
    expect(locked.body).toContain('The link is locked after too many wrong codes. Ask Tunet for a new link.');
    expect(locked.body).not.toContain('name="code"');
    const record = await links.closure(operator, associationId);
    expect(record!.links.map((link) => ({ downloads: link.downloads, failed: link.failedAttempts, revoked: link.revokedAt !== null }))).toEqual([
      { downloads: 0, failed: 5, revoked: false },
      { downloads: 1, failed: 0, revoked: true },
    ]);

    // a third link, near the end of the three months, lasts only until the export's last day ends in Oslo
    clock.now = new Date('2026-05-30T12:00:00Z');
    const third = await links.issue(operator, origin, associationId);
    expect(third.link.expiresAt).toEqual(new Date('2026-06-01T22:00:00Z'));
    expect(seen(await code(third, third.accessCode))).toMatchObject({ status: 200, body: 'PK' });
    clock.now = new Date('2026-06-01T22:00:00Z');
    const over = await code(third, third.accessCode);
    expect(over.status).toBe(410);
    expect(over.body).toContain('The copy is no longer available');
    await expect(links.issue(operator, origin, associationId)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });

    // once deletion starts the link's page says the copy is gone; when it is done (the link with it), the operator reads the receipt
    down.add('members');
    await closures().run();
    expect(seen(await links.page(request(third.url)))).toMatchObject({ status: 410 });
    down.clear();
    await closures().run();
    expect(seen(await links.page(request(third.url)))).toMatchObject({ status: 404 });
    const erased = await links.closure(operator, associationId);
    expect(erased).toMatchObject({ status: 'erased', links: [] });
    expect(erased!.receiptEn).toContain('| privacy | closure\\_export\\_links | erased | 3 |');
    // the receipt keeps how the copy was handed over after the links themselves are gone
    expect(erased!.receiptEn).toContain('| 2026-03-10 13:00 GMT+1 | 2026-03-17 13:00 GMT+1 | 1 | 2026-03-10 13:00 GMT+1 |');
    expect(erased!.receiptEn).toContain('| 2026-05-30 14:00 GMT+2 | 2026-06-02 00:00 GMT+2 | 1 | 2026-05-30 14:00 GMT+2 |');

    // nobody but an operator outside a support session
    const board: Viewer = { accountId: randomUUID(), associationId, memberId: randomUUID(), role: 'board', platformAdmin: false, sessionId: null };
    const inSession: Viewer = { ...operator, associationId, support: { expiresAt: '2026-06-02T00:00:00Z' } };
    for (const viewer of [board, inSession]) await expect(links.closure(viewer, associationId)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(links.issue(null, origin, associationId)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(links.closure(operator, 'not-an-id')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'associationId' } });
  });

  it('two operators issuing at once leave exactly one working link', async () => {
    const { associationId, storage, closures } = await startedClosure(async (subgraph) => Response.json({ subgraph, tables: {}, files: [], receipt: [] }));
    await closures().run();
    const links = () => new ClosureLinksService(new ClosureLinksRepository(db), new ClosuresRepository(db), storage, () => new Date('2026-03-02T09:00:00Z'));
    const operator: Viewer = { accountId: randomUUID(), associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };
    await Promise.all([links().issue(operator, '', associationId), links().issue(operator, '', associationId)]);
    const issued = (await links().closure(operator, associationId))!.links;
    expect(issued.map((link) => link.revokedAt === null).sort()).toEqual([false, true]);
  });

  /** What a subgraph answers when it has nothing: an export without rows or files, or an erasure's empty receipt. */
  const empty = (subgraph: string, route: string) =>
    Response.json(route === 'privacy/export-association' ? { subgraph, tables: {}, files: [], receipt: [] } : { subgraph, receipt: [] });
  const minutes = (at: Date, count: number) => new Date(at.getTime() + count * 60_000);
  const associationOf = (payload: unknown) => (payload as PrivacyAssociationRequest).associationId;
  const leasedUntil = async (associationId: string) => {
    const [row] = await rows(sql`select leased_until from privacy.association_closures where association_id = ${associationId}`);
    return row!.leased_until === null ? null : new Date(row!.leased_until as string);
  };
  /** Another privacy process, leasing what is due at the clock's moment as its job does. */
  const otherReplicaLeases = async (now: Date) => (await new ClosuresRepository(db).lease(now, 15 * 60_000, 20)).map((row) => row.associationId);

  it('a run that outlasted its lease stops at its next call and leaves alone the lease another process took since', async () => {
    const clock = { now: new Date('2026-03-02T09:00:00Z') };
    const calls: string[] = [];
    let theirs: string[] = [];
    const { associationId, closures, status } = await startedClosure(async (subgraph, _route, payload) => {
      if (associationOf(payload) !== associationId) return new Response('unavailable', { status: 503 });
      calls.push(subgraph);
      if (theirs.length === 0) {
        // 16 minutes pass in posts' call (a paused process, a storage write with no timeout): the lease has run out,
        // and another process leases the closure meanwhile
        clock.now = minutes(clock.now, 16);
        theirs = await otherReplicaLeases(clock.now);
      }
      return new Response('unavailable', { status: 503 });
    }, clock);

    await closures().run();
    expect(theirs).toContain(associationId);
    // billing and members are left to the process that holds the closure now
    expect(calls).toEqual(['posts']);
    calls.length = 0;
    await closures().run();
    expect(calls).toEqual([]);
    expect(await status()).toBe('exporting');
  });

  it('a batch whose lease runs low starts no closure it cannot finish in time, and leaves it to the next run at once', async () => {
    const clock = { now: new Date('2026-03-03T09:00:00Z') };
    const calls: string[] = [];
    const slow = new Set<string>();
    const call = async (subgraph: string, route: string, payload: unknown) => {
      calls.push(`${associationOf(payload)} ${subgraph}`);
      // each of the first closure's subgraphs takes 4.5 minutes: after it, 1.5 of the lease's 15 are left
      if (slow.has(associationOf(payload))) clock.now = minutes(clock.now, 4.5);
      return empty(subgraph, route);
    };
    const first = await startedClosure(call, clock);
    clock.now = minutes(clock.now, 1);
    const second = await startedClosure(call, clock);
    slow.add(first.associationId);
    const steps = (associationId: string) =>
      rows(sql`select subgraph, attempts from privacy.association_closure_steps where association_id = ${associationId} order by subgraph`);

    await first.closures().run();
    expect(await first.status()).toBe('ready');
    expect(calls.filter((call) => call.startsWith(second.associationId))).toEqual([]);
    expect(await second.status()).toBe('exporting');
    expect(await steps(second.associationId)).toEqual(
      SUBGRAPHS.map((subgraph) => ({ subgraph, attempts: 0 })).sort((a, b) => a.subgraph.localeCompare(b.subgraph)),
    );

    await first.closures().run();
    expect(calls.filter((call) => call.startsWith(second.associationId)).sort()).toEqual(
      SUBGRAPHS.map((subgraph) => `${second.associationId} ${subgraph}`).sort(),
    );
    expect(await second.status()).toBe('ready');
  });

  it('an archive whose files take longer than the lease has left keeps the closure from other processes until it is built', async () => {
    const clock = { now: new Date('2026-03-04T09:00:00Z') };
    const FILES = Array.from({ length: 40 }, () => randomUUID());
    const seenByOthers: string[][] = [];
    const heldFor: number[] = [];
    let fetched = 0;
    const { associationId, storage, terminationId, closures, status } = await startedClosure(async (subgraph, route, payload) => {
      if (route !== 'privacy/export-association-file') {
        const files = subgraph === 'posts' ? FILES.map((fileId) => ({ fileId, name: 'bilde.jpg', contentType: 'image/jpeg', sizeBytes: 4 })) : [];
        return Response.json({ subgraph, tables: {}, files, receipt: [] });
      }
      // each file takes the call's whole 30 s: 40 of them, 20 minutes, outlast the 15-minute lease
      clock.now = minutes(clock.now, 0.5);
      if (++fetched % 10 === 0) seenByOthers.push(await otherReplicaLeases(clock.now));
      heldFor.push((await leasedUntil(associationId))!.getTime() - clock.now.getTime());
      return associationOf(payload) === associationId ? new Response('jpeg') : new Response('no such file', { status: 404 });
    }, clock);

    await closures().run();
    expect(await status()).toBe('ready');
    expect(fetched).toBe(40);
    expect(seenByOthers.flat()).not.toContain(associationId);
    // renewed a call or two ahead at a time: a process that crashed here would hold the closure a minute, not 20
    expect(Math.max(...heldFor.slice(30))).toBeLessThanOrEqual(60_000);
    expect(Object.keys(unzipSync(storage.objects.get(`${associationId}/${terminationId}/archive`)!)).filter((name) => name.startsWith('files/'))).toHaveLength(
      40,
    );
    // built and released: any process may take the closure up again when its deletion is due
    expect(await rows(sql`select leased_until from privacy.association_closures where association_id = ${associationId}`)).toEqual([{ leased_until: null }]);
  });

  it('a run whose lease another process took while it fetched files fetches no more and builds no archive', async () => {
    const clock = { now: new Date('2026-03-05T09:00:00Z') };
    const FILES = Array.from({ length: 20 }, () => randomUUID());
    let fetched = 0;
    let theirs: string[] = [];
    const { associationId, storage, terminationId, closures, status } = await startedClosure(async (subgraph, route) => {
      if (route !== 'privacy/export-association-file') {
        const files = subgraph === 'posts' ? FILES.map((fileId) => ({ fileId, name: 'bilde.jpg', contentType: 'image/jpeg', sizeBytes: 4 })) : [];
        return Response.json({ subgraph, tables: {}, files, receipt: [] });
      }
      // the tenth file's call hangs past the lease (a paused process): another process leases the closure meanwhile
      if (++fetched === 10) {
        clock.now = minutes(clock.now, 16);
        theirs = await otherReplicaLeases(clock.now);
      }
      return new Response('jpeg');
    }, clock);
    const before = await leasedUntil(associationId);

    await closures().run();
    expect(theirs).toContain(associationId);
    expect(fetched).toBe(10);
    expect(await status()).toBe('exporting');
    expect(storage.objects.has(`${associationId}/${terminationId}/archive`)).toBe(false);
    expect(before).toBeNull();
    expect(await leasedUntil(associationId)).toEqual(minutes(clock.now, 15));
  });

  it('a deletion whose lease another process took while a subgraph erased asks no further subgraph and keeps privacy its rows', async () => {
    const clock = { now: new Date('2026-03-06T09:00:00Z') };
    const calls: string[] = [];
    let theirs: string[] = [];
    const { associationId, closures, status } = await startedClosure(async (subgraph, route) => {
      if (route === 'privacy/erase-association') {
        calls.push(subgraph);
        if (theirs.length === 0) {
          clock.now = minutes(clock.now, 16);
          theirs = await otherReplicaLeases(clock.now);
        }
      }
      return empty(subgraph, route);
    }, clock);
    await db.tenant(associationId, (tx) =>
      tx.execute(sql`insert into privacy.settings (association_id, retention_months, keep_content) values (${associationId}, 12, '{}')`),
    );
    await closures().run();
    expect(await status()).toBe('ready');

    // the three months are over: the run starts the deletion, and loses its lease during posts' call
    clock.now = new Date('2026-06-01T22:00:00Z');
    await closures().run();
    expect(theirs).toContain(associationId);
    expect(calls).toEqual(['posts']);
    expect(await status()).toBe('erasing');
    expect(await rows(sql`select 1 from privacy.settings where association_id = ${associationId}`)).toHaveLength(1);
  });

  it("one closure's failure is logged and released, and the batch goes on to the next", async () => {
    const clock = { now: new Date('2026-03-07T09:00:00Z') };
    const FILE = randomUUID();
    const broken = new Set<string>();
    const { logger, lines } = capturedLogger();
    const call = async (subgraph: string, route: string, payload: unknown) => {
      if (route === 'privacy/export-association-file')
        return broken.has(associationOf(payload)) ? new Response('storage down', { status: 500 }) : new Response('jpeg');
      const files = subgraph === 'posts' ? [{ fileId: FILE, name: 'bilde.jpg', contentType: 'image/jpeg', sizeBytes: 4 }] : [];
      return Response.json({ subgraph, tables: {}, files, receipt: [] });
    };
    const first = await startedClosure(call, clock);
    clock.now = minutes(clock.now, 1);
    const second = await startedClosure(call, clock);
    broken.add(first.associationId);
    const runsBefore = (await rows(sql`select 1 from privacy.archive_job_runs where job = 'association_closures'`)).length;
    const job = new ClosuresService(new ClosuresRepository(db), first.storage, first.archiver, call, SUBGRAPHS, () => clock.now, logger);

    await job.run();
    expect(await first.status()).toBe('exporting');
    expect(await second.status()).toBe('ready');
    expect(lines.filter((line) => line.level === 50)).toEqual([expect.objectContaining({ associationId: first.associationId })]);
    expect(await leasedUntil(first.associationId)).toBeNull();
    expect(await rows(sql`select 1 from privacy.archive_job_runs where job = 'association_closures'`)).toHaveLength(runsBefore + 1);
  });

  it('a run leases only the closures whose budgets fit in its lease, leaving the rest to other processes meanwhile', async () => {
    const clock = { now: new Date('2026-03-08T09:00:00Z') };
    let leasedAtFirstCall: number | null = null;
    const call = async (subgraph: string, route: string) => {
      leasedAtFirstCall ??= (
        await rows(sql`select 1 from privacy.association_closures where leased_until = ${minutes(clock.now, 15).toISOString()}::timestamptz`)
      ).length;
      return empty(subgraph, route);
    };
    const started = [];
    for (let i = 0; i < 9; i++) started.push(await startedClosure(call, clock));

    await started[0]!.closures().run();
    // (3 subgraphs + 1) x 30 s each: 7 fit in 15 minutes
    expect(leasedAtFirstCall).toBe(7);
  });

  it('closures that only wait for their deletion day leave every run free to make a newer export', async () => {
    const clock = { now: new Date('2026-03-09T09:00:00Z') };
    // six subgraphs, as in production: (6 + 1) x 30 s each, a run leases 4
    const SIX = ['posts', 'events', 'reservations', 'messages', 'billing', 'members'];
    const asked: string[] = [];
    const call = async (subgraph: string, route: string, payload: unknown) => {
      asked.push(associationOf(payload));
      return empty(subgraph, route);
    };
    const storage = new MemoryStorage();
    const archives = new ArchivesService(new ArchivesRepository(db), storage, () => clock.now);
    const job = new ClosuresService(new ClosuresRepository(db), storage, archives.archiver, call, SIX, () => clock.now);
    const start = (associationId: string) =>
      job.start({ associationId, terminationId: randomUUID(), terminatedOn: '2026-03-01', timeZone: 'Europe/Oslo', startedBy: 'event' });
    const waiting = Array.from({ length: 5 }, () => randomUUID());
    for (const associationId of waiting) {
      await start(associationId);
      // exported already, downloadable until June: nothing for a run to do
      await rows(sql`update privacy.association_closures set status = 'ready', archive_key = ${`${associationId}/archive`}, size_bytes = 1,
          ready_at = ${clock.now} where association_id = ${associationId}`);
    }
    clock.now = minutes(clock.now, 1);
    const newer = randomUUID();
    await start(newer);

    await job.run();
    expect(asked).toEqual(SIX.map(() => newer));
    const [closure] = await rows(sql`select status from privacy.association_closures where association_id = ${newer}`);
    expect(closure!.status).toBe('ready');
  });

  it('an export part left in storage by a run that lost its lease is deleted with the archive when deletion starts', async () => {
    const clock = { now: new Date('2026-03-10T09:00:00Z') };
    const { associationId, terminationId, storage, closures, status } = await startedClosure(async (subgraph, route) => empty(subgraph, route), clock);
    await closures().run();
    expect(await status()).toBe('ready');
    // a run that had lost its lease finished uploading posts' part after the export was made
    await storage.put(`${associationId}/${terminationId}/posts`, Buffer.from('{"subgraph":"posts"}'));

    clock.now = new Date('2026-06-01T22:00:00Z');
    await closures().run();
    expect(await status()).toBe('erased');
    expect([...storage.objects.keys()].filter((key) => key.startsWith(associationId))).toEqual([]);
  });
});
