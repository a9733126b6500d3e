import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { closeFastStore, FilesystemStorage, runRetention, type SubgraphDatabase } from '@tunet/kit';
import { openTestRedis } from '@tunet/kit/src/kit.fixtures';
import { sql } from 'drizzle-orm';
import { createMembersSubgraph, DEMO, type MembersSubgraph } from '@tunet/members';
import { openMembersTestBed, osloDate, viewerOf, type MembersTestBed } from '@tunet/members/src/members.fixtures';
import { createNotificationsSubgraph, type NotificationsSubgraph } from '@tunet/notifications';
import { startTestSmtpServer } from '@tunet/notifications/src/email/email.fixtures';
import { IngestRepository } from '@tunet/notifications/src/ingest/ingest.repository';
import { waterNotice } from '@tunet/notifications/src/dispatch/delivery.fixtures';
import { StaticDirectory, StaticEntitlements } from '@tunet/notifications/src/notifications.fixtures';
import { RequestsJob } from '@tunet/privacy/src/requests/requests.job';
import { RequestsRepository } from '@tunet/privacy/src/requests/requests.repository';
import { movedOutPass } from '@tunet/privacy/src/requests/retention.service';
import { SettingsRepository } from '@tunet/privacy/src/settings/settings.repository';

/**
 * Background jobs run in every replica (decision 0061): two instances of a job on one database, run at the same
 * moment, round after round, do each piece of work once. The reminder sweeps, the digest, billing's sweeps,
 * operations' sweeps, members' termination sweep and privacy's breach and closure jobs have this case in their own
 * int files; this file holds the jobs that had none: the notifications dispatcher on a real SMTP server, privacy's
 * requests job and moved-out retention, and members' board-term sweep.
 */
describe('background jobs on two replicas', () => {
  let bed: MembersTestBed;
  const closing: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    bed = await openMembersTestBed();
  }, 120_000);

  afterAll(async () => {
    for (const close of closing.reverse()) await close();
    await bed.close();
  });

  it('the dispatcher: each e-mail delivery reaches the SMTP server once when two notifications replicas dispatch at once', async () => {
    const smtp = await startTestSmtpServer();
    closing.push(smtp.close);
    const store = await openTestRedis();
    closing.push(() => closeFastStore(store));
    const replica = () =>
      createNotificationsSubgraph({
        database: bed.connection,
        store,
        internalSecret: 'jobs-replicas-secret-jobs-replicas-secret',
        directory: new StaticDirectory(),
        entitlements: new StaticEntitlements(),
        config: {
          publicOrigin: 'https://tunet.test',
          webAppOrigin: 'https://app.tunet.test',
          webPush: null,
          fcm: null,
          apns: null,
          sms: null,
          email: { smtpUrl: smtp.url, from: 'Tunet <varsler@tunet.test>' },
        },
      });
    const one = await replica();
    const two = await replica();
    closing.push(
      () => one.closeChannels(),
      () => two.closeChannels(),
    );
    await one.migrate();
    // More than one batch (100), so both replicas have work in the first round.
    const ids = await queueEmails(one, 120);

    // Each round, one replica claims a batch and the other runs while the first one's e-mails are on their way (its
    // claim committed, its sends not yet recorded) or, in a round with nothing to send, at the same moment.
    const claims: number[][] = [];
    do {
      const [first, second] = claims.length % 2 ? [two, one] : [one, two];
      let settled = false;
      const firstRun = first.dispatcher.runOnce().finally(() => (settled = true));
      const before = smtp.received.length;
      while (!settled && smtp.received.length === before) await new Promise((resolve) => setImmediate(resolve));
      claims.push(await Promise.all([firstRun, second.dispatcher.runOnce()]));
    } while (claims.at(-1)!.some((n) => n > 0));

    // The Message-ID's left part is the delivery's id.
    const messageIds = smtp.received.map((mail) => mail.parsed.messageId?.replace(/^<|@.*$/g, ''));
    expect(messageIds.sort()).toEqual([...ids].sort());
    expect(claims.flat().reduce((sum, n) => sum + n, 0)).toBe(ids.length);
  });

  it('privacy requests: two jobs at once ask each subgraph once per request and publish each archive once', async () => {
    const db = privacyDatabase();
    await db.migrate();
    const { asked, base } = await participants();
    const repository = new RequestsRepository(db);
    // More than one batch (10), in two associations, so both jobs lease some.
    const opened = await openExports(repository, 14, (i) => (i % 2 ? DEMO.solbakken : randomUUID()), new Date('2026-12-01T10:00:00Z'));
    const published: string[] = [];
    const job = () => requestsJob(db, repository, base, published, () => new Date('2026-12-01T10:05:00Z'));
    const [one, two] = [job(), job()];

    // As with the dispatcher: the second job runs while the first one's calls are under way.
    for (let more = [true], round = 0; more.some(Boolean); round++) {
      const [first, second] = round % 2 ? [two, one] : [one, two];
      let settled = false;
      const firstRun = first.runOnce().finally(() => (settled = true));
      const before = asked.size;
      while (!settled && asked.size === before) await new Promise((resolve) => setImmediate(resolve));
      more = await Promise.all([firstRun, second.runOnce()]);
    }

    const ids = opened.map(({ row }) => row.id);
    expect(published.sort()).toEqual([...ids].sort());
    expect([...asked.values()].every((times) => times === 1)).toBe(true);
    expect(asked.size).toBe(ids.length * 2);
    for (const { row } of opened) expect(await repository.get(row.associationId, row.id)).toMatchObject({ status: 'completed' });
  });

  it('privacy requests: a batch slower than its lease starts no request another job may have leased since', async () => {
    const db = privacyDatabase();
    await db.migrate();
    // Each call takes 50 s of the injected clock: one export (two calls at once) 100 s, a batch of 10 far past the
    // 5-minute lease. Once the first job's lease has run out, or its run ended, the second job runs.
    let clock = new Date('2026-12-02T10:00:00Z').getTime();
    const leaseEnds = clock + 5 * 60_000;
    let startSecond: () => void = () => undefined;
    const { asked, base } = await participants(() => {
      clock += 50_000;
      if (clock > leaseEnds) startSecond();
    });
    const repository = new RequestsRepository(db);
    const associationId = randomUUID();
    const opened = await openExports(repository, 10, () => associationId, new Date('2026-12-02T09:00:00Z'));
    const published: string[] = [];
    const job = () => requestsJob(db, repository, base, published, () => new Date(clock));
    const [one, two] = [job(), job()];

    const second = new Promise<boolean>((resolve) => {
      startSecond = () => {
        startSecond = () => undefined;
        resolve(two.runOnce());
      };
    });
    await one.runOnce();
    startSecond();
    await second;
    // Then both, round after round, until every request is done (each round starts a few and releases the rest).
    for (let round = 0; round < 20 && published.length < opened.length; round++) await Promise.all([one.runOnce(), two.runOnce()]);

    const ids = opened.map(({ row }) => row.id);
    expect(published.sort()).toEqual([...ids].sort());
    expect([...asked.entries()].filter(([, times]) => times > 1)).toEqual([]);
  });

  it('moved-out retention: two passes at once open one erasure request, and each run is logged', async () => {
    const db = privacyDatabase();
    await db.migrate();
    const requests = new RequestsRepository(db);
    const gone = randomUUID();
    const deps = {
      members: {
        memberExists: () => Promise.resolve(true),
        tombstoneOf: () => Promise.resolve(randomUUID()),
        sitsOnBoard: () => Promise.resolve(false),
        timeZoneOf: () => Promise.resolve('Europe/Oslo'),
        movedOut: () => Promise.resolve({ members: [{ associationId: DEMO.fjordly, memberId: gone, movedOutOn: '2025-01-15' }] }),
      },
      settings: new SettingsRepository(db),
      requests,
      subgraphs: ['posts', 'members'],
    };
    const now = () => new Date('2026-12-01T03:00:00Z');
    const pass = () => runRetention(db, 'privacy.moved-out', now, (at) => movedOutPass(deps, at));

    const counts = await Promise.all([pass(), pass()]);

    expect(counts.map((count) => count.requests).sort()).toEqual([0, 1]);
    expect(await requests.about(DEMO.fjordly, gone)).toHaveLength(1);
    const { rows } = (await db.system((tx) => tx.execute(sql`select rows from privacy.retention_runs where job = 'privacy.moved-out'`))) as {
      rows: { rows: { requests: number } }[];
    };
    expect(rows.map((row) => row.rows.requests).sort()).toEqual([0, 1]);
  });

  it('the board-term sweep: two members replicas at once announce an ended term once', async () => {
    const store = await openTestRedis();
    closing.push(() => closeFastStore(store));
    const replica: MembersSubgraph = await createMembersSubgraph({ database: bed.connection, store, jwtPrivateKey: bed.secrets.jwtPrivateKey });
    const kari = viewerOf(DEMO.solbakken, DEMO.kari, 'board');
    const [term] = (await bed.subgraph.repositories.committees.termsOf(DEMO.solbakken, 'member', [DEMO.kari], true)).filter((t) => t.active);
    await bed.subgraph.committees.endTerm(kari, { termId: term!.id, termTo: osloDate(-1) });

    const counts = await Promise.all([bed.subgraph.committees.announceEndedBoardTerms(), replica.committees.announceEndedBoardTerms()]);

    expect(counts.sort()).toEqual([0, 1]);
    const { rows } = (await bed.db.system((tx) =>
      tx.execute(sql`select count(*)::int as n from members.outbox where topic = 'board.term_ended' and payload->>'termId' = ${term!.id}`),
    )) as { rows: { n: number }[] };
    expect(rows[0]!.n).toBe(1);
  });

  function privacyDatabase(): SubgraphDatabase {
    return bed.connection.forSubgraph('privacy', path.resolve(__dirname, '../subgraphs/privacy/migrations'));
  }

  /** Stands in for the subgraphs privacy asks for a person's data: answers at once, counts each ask, calls `onAsk` first. */
  async function participants(onAsk: () => void = () => undefined): Promise<{ asked: Map<string, number>; base: string }> {
    const asked = new Map<string, number>();
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const subgraph = req.url!.split('/')[1]!;
        const { requestId } = JSON.parse(body) as { requestId: string };
        asked.set(`${subgraph}:${requestId}`, (asked.get(`${subgraph}:${requestId}`) ?? 0) + 1);
        onAsk();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ subgraph, tables: {}, files: [], receipt: [] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closing.push(() => new Promise((resolve) => server.close(() => resolve())));
    return { asked, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }
});

/** Opens `count` export requests for posts and members, the i-th in `associationOf(i)`. */
function openExports(repository: RequestsRepository, count: number, associationOf: (i: number) => string, receivedAt: Date) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      repository.open({
        associationId: associationOf(i),
        kind: 'export',
        subjectMemberId: randomUUID(),
        requestedBy: null,
        reason: 'request',
        receivedAt,
        timeZone: 'Europe/Oslo',
        subgraphs: ['posts', 'members'],
      }),
    ),
  );
}

/** A privacy requests job as privacy's subgraph.ts builds it, with a publisher that records what it published. */
function requestsJob(db: SubgraphDatabase, repository: RequestsRepository, base: string, published: string[], now: () => Date): RequestsJob {
  return new RequestsJob({
    repository,
    subgraphUrls: () => ({ posts: `${base}/posts/graphql`, members: `${base}/members/graphql` }),
    internalSecret: 'jobs-replicas-secret-jobs-replicas-secret',
    storage: new FilesystemStorage(mkdtempSync(path.join(os.tmpdir(), 'jobs-replicas-'))),
    publisher: {
      publish: async (input, complete) => {
        published.push(input.requestId);
        await db.tenant(input.associationId, complete);
      },
    },
    intervalMs: 60_000,
    now,
  });
}

/** Stores `count` notifications with one e-mail delivery each, due now, in two associations; resolves to the deliveries' ids. */
async function queueEmails(subgraph: NotificationsSubgraph, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (const associationId of [DEMO.solbakken, DEMO.fjordly]) {
    const stored = Array.from({ length: count / 2 }, () => {
      const memberId = randomUUID();
      const id = randomUUID();
      ids.push(id);
      return waterNotice(memberId, [{ id, channel: 'email', address: `${memberId.slice(0, 8)}@beboer.test`, status: 'queued', heldFor: null }]);
    });
    await new IngestRepository(subgraph.db).store(associationId, stored);
  }
  return ids;
}
