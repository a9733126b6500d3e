import { sql } from 'drizzle-orm';
import { openMembersTestBed, type MembersTestBed } from '../members.fixtures';
import { agreementsHarness, associationWithBoard, eventsOf, OPERATOR, type AgreementsHarness } from './agreements.fixtures';

/** The termination sweep completes a termination on its day in the association's zone, once across replicas. */
describe('the termination sweep', () => {
  let bed: MembersTestBed;
  let harness: AgreementsHarness;

  beforeAll(async () => {
    bed = await openMembersTestBed();
    harness = await agreementsHarness(bed, '2026-12-06T12:00:00Z');
  }, 120_000);
  afterAll(async () => {
    await harness.close();
    await bed.close();
  });
  const liveSessions = async (associationId: string) => {
    const { rows } = (await bed.db.system((tx) =>
      tx.execute(sql`select count(*)::int as n from members.refresh_tokens where association_id = ${associationId}::uuid and revoked_at is null`),
    )) as { rows: { n: number }[] };
    return rows[0]!.n;
  };

  it("waits for the day in each association's own zone", async () => {
    harness.setClock('2026-12-06T12:00:00Z');
    const oslo = await associationWithBoard(bed);
    const newYork = await associationWithBoard(bed, 'America/New_York');
    for (const { id, board } of [oslo, newYork]) await harness.service.terminate(board, { associationId: id, effectiveOn: '2026-12-07' });

    expect(await harness.service.completeDueTerminations()).toBe(0);
    // 23:30 UTC: 7 December in Oslo, still 6 December in New York.
    harness.setClock('2026-12-06T23:30:00Z');
    expect(await harness.service.completeDueTerminations()).toBe(1);
    expect((await harness.service.agreement(OPERATOR, oslo.id)).association).toMatchObject({ status: 'terminated', terminatedOn: '2026-12-07' });
    expect((await harness.service.agreement(OPERATOR, newYork.id)).association.status).toBe('active');
    harness.setClock('2026-12-07T05:00:00Z');
    expect(await harness.service.completeDueTerminations()).toBe(1);
  });

  it('completes a due termination exactly once when two replicas sweep at the same moment', async () => {
    harness.setClock('2026-12-06T12:00:00Z');
    const due = await Promise.all([1, 2, 3, 4, 5].map(() => associationWithBoard(bed)));
    const filed = await Promise.all(due.map(({ id, board }) => harness.service.terminate(board, { associationId: id, effectiveOn: '2026-12-06' })));

    const counts = await Promise.all([harness.service.completeDueTerminations(), harness.replica.completeDueTerminations()]);

    expect(counts[0] + counts[1]).toBe(5);
    for (const [i, { id, board }] of due.entries()) {
      const terminated = (await eventsOf(bed, id)).filter((event) => event.topic === 'association.terminated');
      expect(terminated).toEqual([
        {
          topic: 'association.terminated',
          payload: { terminationId: filed[i]!.id, terminatedOn: '2026-12-06', initiatedBy: 'board', timeZone: 'Europe/Oslo' },
        },
      ]);
      expect((await harness.service.agreement(OPERATOR, id)).endedBy).toMatchObject({ id: filed[i]!.id, completedAt: new Date('2026-12-06T12:00:00Z') });
      const closure = await harness.reader.standing({ sessionId: null, associationId: id, memberId: board.memberId, issuedAt: new Date(Date.now() - 1000) });
      expect(closure.associationClosed).toMatchObject({ status: 'terminated' });
    }
    expect(await Promise.all([harness.service.completeDueTerminations(), harness.replica.completeDueTerminations()])).toEqual([0, 0]);
  });

  it('ends every session of the association it terminates', async () => {
    harness.setClock('2026-12-06T12:00:00Z');
    const { id, board } = await associationWithBoard(bed);
    await bed.subgraph.repositories.members.insertMembers(id, [
      { id: board.memberId!, accountId: board.accountId, displayName: 'Styreleder', externalTitle: 'Styreleder' },
    ]);
    await bed.db.tenant(id, (tx) =>
      tx.execute(sql`
        insert into members.refresh_tokens (association_id, id, family_id, account_id, member_id, token_hash, expires_at)
          values (${id}::uuid, gen_random_uuid(), gen_random_uuid(), ${board.accountId}::uuid, ${board.memberId}::uuid, md5(random()::text), now() + interval '1 day')
      `),
    );
    expect(await liveSessions(id)).toBe(1);
    await harness.service.terminate(board, { associationId: id, effectiveOn: '2026-12-06' });
    await harness.service.completeDueTerminations();
    expect(await liveSessions(id)).toBe(0);
  });
});
