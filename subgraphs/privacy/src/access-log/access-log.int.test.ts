import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Event, SubgraphDatabase } from '@tunet/kit';
import { openTestDatabase, viewerIn, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { residueScan } from '../residue/residue-scan';
import { accessLogPrivacyPart } from './access-log.privacy';
import { AccessLogRepository } from './access-log.repository';
import { AccessLogService } from './access-log.service';

const A = randomUUID();
const B = randomUUID();
const KARI = randomUUID();
const OLA = randomUUID();
const BOARD = randomUUID();
const OPERATOR = randomUUID();

function accessed(
  associationId: string,
  entries: { subjectId: string; actorId: string | null; actorKind: 'member' | 'api_key' | 'operator'; reason?: string }[],
): Event {
  return {
    eventId: randomUUID(),
    topic: 'personal_data.accessed',
    associationId,
    occurredAt: new Date(),
    payload: {
      entries: entries.map((entry) => ({ fields: ['phone', 'email'], operation: 'query Directory', reason: null, at: '2026-12-06T12:00:00.000Z', ...entry })),
    },
  };
}

function changed(associationId: string, subjectId: string): Event {
  return {
    eventId: randomUUID(),
    topic: 'personal_data.changed',
    associationId,
    occurredAt: new Date(),
    payload: { subjectId, actorId: subjectId, actorKind: 'member', fields: ['phone'], operation: 'updateProfile', at: '2026-12-06T12:05:00.000Z' },
  };
}

describe('access log', () => {
  let database: TestDatabase;
  let db: SubgraphDatabase;
  let repository: AccessLogRepository;
  let log: AccessLogService;

  beforeAll(async () => {
    database = await openTestDatabase();
    db = database.connection.forSubgraph('privacy', path.resolve(__dirname, '../../migrations'));
    await db.migrate();
    repository = new AccessLogRepository(db);
    log = new AccessLogService(repository);
  }, 120_000);

  afterAll(() => database.drop());

  it('appends reads and changes to one chain per association; a redelivered event appends nothing', async () => {
    const event = accessed(A, [
      { subjectId: KARI, actorId: BOARD, actorKind: 'member' },
      { subjectId: OLA, actorId: BOARD, actorKind: 'member' },
    ]);
    expect(await log.recordAccessed(event)).toBe(2);
    expect(await log.recordAccessed(event)).toBe(0);
    expect(await log.recordChanged(changed(A, KARI))).toBe(1);
    await log.recordAccessed(accessed(B, [{ subjectId: OLA, actorId: null, actorKind: 'api_key' }]));
    const reports = await log.verify();
    expect(reports.find((r) => r.associationId === A)).toEqual({ associationId: A, entries: 3, broken: null });
    expect(reports.find((r) => r.associationId === B)).toEqual({ associationId: B, entries: 1, broken: null });
  });

  it('does not fork the chain when consumers append at once', async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => log.recordAccessed(accessed(A, [{ subjectId: i % 2 ? KARI : OLA, actorId: BOARD, actorKind: 'member' }]))),
    );
    const [report] = await log.verify(A);
    expect(report).toEqual({ associationId: A, entries: 15, broken: null });
  });

  it("shows the person who looked at their data, with support's reason, and no one else's entries", async () => {
    await log.recordAccessed(accessed(A, [{ subjectId: KARI, actorId: OPERATOR, actorKind: 'operator', reason: 'Kari asked support about her phone number' }]));
    const page = await log.mine(viewerIn(A, 'resident', {}), 2, null);
    const kari = { ...viewerIn(A), memberId: KARI };
    const mine = await log.mine(kari, 2, null);
    expect(mine.nodes[0]).toMatchObject({ kind: 'read', actorKind: 'operator', actorId: OPERATOR, reason: 'Kari asked support about her phone number' });
    expect(mine.pageInfo.hasNextPage).toBe(true);
    const rest = await log.mine(kari, 100, mine.pageInfo.endCursor);
    expect([...mine.nodes, ...rest.nodes].map((entry) => entry.kind)).toEqual(['read', ...Array<string>(6).fill('read'), 'change', 'read']);
    expect(page.nodes).toEqual([]);
    await expect(log.mine({ ...viewerIn(A, 'board'), memberId: BOARD }, 10, null).then((p) => p.nodes)).resolves.toEqual([]);
    await expect(log.mine({ ...kari, memberId: null, integration: { apiKeyId: randomUUID(), scopes: ['members:read'] } }, 10, null)).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    await expect(log.mine(null, 10, null)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('is append-only for the subgraph: its role may not change or delete an entry', async () => {
    const refusal = { cause: expect.objectContaining({ message: expect.stringMatching(/permission denied/) }) };
    await expect(db.tenant(A, (tx) => tx.execute(sql`update privacy.access_log set operation = 'x'`))).rejects.toMatchObject(refusal);
    await expect(db.tenant(A, (tx) => tx.execute(sql`delete from privacy.access_log`))).rejects.toMatchObject(refusal);
  });

  it('erasure cuts the person out of the log without breaking the chain; a second erasure finds nothing', async () => {
    const part = accessLogPrivacyPart(repository);
    const subject = { requestId: randomUUID(), associationId: A, memberId: KARI };
    const policy = { keepContent: [], tombstoneMemberId: randomUUID(), reason: 'request' as const };
    const exported = await db.tenant(A, (tx) => part.export(tx, subject));
    expect(exported.access_log).toHaveLength(9);
    expect(exported.access_log_reasons).toEqual([expect.objectContaining({ reason: 'Kari asked support about her phone number' })]);
    const first = await db.tenant(A, (tx) => part.erase(tx, subject, policy));
    expect(first.map(({ table, rows }) => [table, rows])).toEqual([
      ['pseudonyms', 1],
      ['access_log_reasons', 1],
      ['access_log', 9],
    ]);
    const second = await db.tenant(A, (tx) => part.erase(tx, subject, policy));
    expect(second.map(({ rows }) => rows)).toEqual([0, 0, 0]);
    expect((await log.mine({ ...viewerIn(A), memberId: KARI }, 10, null)).nodes).toEqual([]);
    expect((await log.verify(A))[0]!.broken).toBeNull();
    const found = await residueScan(
      { database: database.connection, schemas: ['privacy'] },
      { names: [], emails: [], phones: [], ids: [KARI], texts: ['asked support'] },
    );
    expect(found).toEqual([]);
  });

  it('the verifier names the entry a superuser edited, and only in that association', async () => {
    const [target] = await db.system(async (tx) => {
      const result = await tx.execute(sql`select id from privacy.access_log where association_id = ${A} and sequence = 7`);
      return (result as { rows: { id: string }[] }).rows;
    });
    await database.connection.ownerTransaction((tx) =>
      tx.execute(sql`update privacy.access_log set fields = array['name'] where association_id = ${A} and sequence = 7`),
    );
    const reports = await log.verify();
    expect(reports.find((r) => r.associationId === A)!.broken).toEqual({ entryId: target!.id, problem: 'hash' });
    expect(reports.find((r) => r.associationId === B)!.broken).toBeNull();
  });
});
