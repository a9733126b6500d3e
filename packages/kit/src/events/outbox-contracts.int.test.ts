import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { SubgraphDatabase } from '../database';
import { openTestDatabase, type TestDatabase } from '../kit.fixtures';
import { EventContractError } from './outbox';

const A = '11111111-1111-4111-8111-111111111111';

/** The outbox with Tunet's own contracts (packages/events), as every subgraph has it. */
describe('outbox contracts', () => {
  let testDb: TestDatabase;
  let db: SubgraphDatabase;

  beforeAll(async () => {
    testDb = await openTestDatabase();
    db = testDb.connection.forSubgraph('alpha', path.join(__dirname, '../__fixtures__/alpha'));
    await db.migrate();
  });
  afterAll(() => testDb.drop());

  const outboxed = () => db.system(async (tx) => ((await tx.execute(sql`select topic, payload from alpha.outbox order by id`)) as { rows: unknown[] }).rows);

  it('writes an event whose payload matches its topic', async () => {
    const payload = { memberId: randomUUID(), invitationId: randomUUID() };
    await db.tenant(A, (tx) => db.outbox.add(tx, { topic: 'member.joined', associationId: A, payload }));

    expect(await outboxed()).toContainEqual({ topic: 'member.joined', payload });
  });

  it('refuses a topic without a contract, and writes nothing', async () => {
    const before = (await outboxed()).length;
    const add = db.tenant(A, (tx) =>
      // @ts-expect-error: only topics of packages/events compile
      db.outbox.add(tx, { topic: 'member.teleported', associationId: A, payload: { memberId: randomUUID() } }),
    );

    await expect(add).rejects.toThrow(EventContractError);
    await expect(add).rejects.toThrow(/unknown event topic member\.teleported/);
    expect(await outboxed()).toHaveLength(before);
  });

  it('refuses a payload that breaks its contract: a missing field, a wrong value, an undeclared field', async () => {
    const before = (await outboxed()).length;
    const memberId = randomUUID();
    const add = (event: Parameters<typeof db.outbox.add>[1]) => db.tenant(A, (tx) => db.outbox.add(tx, event));
    const refused = /member\.joined payload breaks its contract/;

    // @ts-expect-error: invitationId is required
    await expect(add({ topic: 'member.joined', associationId: A, payload: { memberId } })).rejects.toThrow(refused);
    await expect(add({ topic: 'member.joined', associationId: A, payload: { memberId: 'kari', invitationId: randomUUID() } })).rejects.toThrow(refused);
    // @ts-expect-error: the contract names every field
    await expect(add({ topic: 'member.joined', associationId: A, payload: { memberId, invitationId: randomUUID(), password: 'x' } })).rejects.toThrow(refused);
    expect(await outboxed()).toHaveLength(before);
  });
});
