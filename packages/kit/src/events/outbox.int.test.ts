import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { SubgraphDatabase, Tx } from '../database';
import { closeFastStore, type FastStore } from '../redis';
import { openTestDatabase, openTestRedis, type TestDatabase } from '../kit.fixtures';
import { DeadLetters } from './dead-letters';
import { openEventStream, type EventStream } from './event-stream';
import type { Event } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { createMissingGroups, ReplayedEntries, replayRelayedEvents, streamBacklog, waitForConsumers } from './outbox-replay';
import { anyPayloadContracts, eventually, sleep } from './events.fixtures';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

/** Drizzle wraps driver errors; the database's own message is the cause. */
const failingWith = (pattern: RegExp) => ({ cause: expect.objectContaining({ message: expect.stringMatching(pattern) }) });

const rowsOf = async <T>(tx: Tx, query: ReturnType<typeof sql>) => ((await tx.execute(query)) as { rows: T[] }).rows;

const NOTES = anyPayloadContracts(
  [
    'created',
    'rolled_back',
    'numbered',
    'private_to_b',
    'forged',
    'bulk',
    'background',
    'after_stop',
    'aged',
    'replayed',
    'paced',
    'about_per',
    'regrouped',
    'erased_meanwhile',
    'left_marked',
  ]
    .map((what) => `note.${what}`)
    .concat('member.moved_out'),
);

describe('outbox and relay', () => {
  let testDb: TestDatabase;
  let alpha: SubgraphDatabase<typeof NOTES>;
  let store: Extract<FastStore, { kind: 'redis' }>;
  let stream: EventStream;

  beforeAll(async () => {
    testDb = await openTestDatabase();
    alpha = testDb.connection.forSubgraph('alpha', path.join(__dirname, '../__fixtures__/alpha'), NOTES);
    await alpha.migrate();
  });
  afterAll(() => testDb.drop());

  beforeEach(async () => {
    const opened = await openTestRedis();
    if (opened.kind !== 'redis') throw new Error('tests need a real Redis');
    store = opened;
    stream = openEventStream(store);
  });
  afterEach(() => closeFastStore(store));

  /** Every event on the stream, in stream order, read straight from Redis. */
  const streamed = async (): Promise<Pick<Event, 'eventId' | 'topic'>[]> => {
    const entries = await store.client.xrange(`${store.namespace}:events`, '-', '+');
    return entries.map(([, fields]) => JSON.parse(fields[1]!) as Event);
  };

  const publish = (tenant: string, topic: string, payload: Record<string, unknown> = {}) =>
    alpha.tenant(tenant, (tx) => alpha.outbox.add(tx, { topic, associationId: tenant, payload }));

  /** Relays until the outbox is empty; resolves to how many events this relay moved. */
  const drain = async (relay: OutboxRelay<typeof NOTES>) => {
    let total = 0;
    for (;;) {
      const moved = await relay.relayOnce();
      if (moved === 0) return total;
      total += moved;
    }
  };

  it('relays an event only when the transaction that added it commits', async () => {
    await alpha.tenant(A, async (tx) => {
      await tx.execute(sql`insert into alpha.notes values (${A}, 100, 'kept')`);
      await alpha.outbox.add(tx, { topic: 'note.created', associationId: A, payload: { id: 100 } });
    });
    await expect(
      alpha.tenant(A, async (tx) => {
        await tx.execute(sql`insert into alpha.notes values (${A}, 101, 'rolled back')`);
        await alpha.outbox.add(tx, { topic: 'note.rolled_back', associationId: A, payload: { id: 101 } });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    expect(await drain(new OutboxRelay(alpha, stream))).toBe(1);
    expect((await streamed()).map((event) => event.topic)).toEqual(['note.created']);
  });

  it('relays committed events once each, in the order they were added, and marks them relayed', async () => {
    const added: Event[] = [];
    for (let i = 0; i < 5; i++) added.push(await publish(A, 'note.numbered', { i }));
    added.push(
      ...(await alpha.tenant(B, async (tx) => [
        await alpha.outbox.add(tx, { topic: 'note.numbered', associationId: B, payload: { i: 5 } }),
        await alpha.outbox.add(tx, { topic: 'note.numbered', associationId: B, payload: { i: 6 } }),
      ])),
    );
    const relay = new OutboxRelay(alpha, stream, { batchSize: 3 });

    expect(await drain(relay)).toBe(7);
    expect(await relay.relayOnce()).toBe(0);
    expect((await streamed()).map((event) => event.eventId)).toEqual(added.map((event) => event.eventId));
    const unrelayed = await alpha.system((tx) => rowsOf(tx, sql`select id from alpha.outbox where relayed_at is null`));
    expect(unrelayed).toEqual([]);
  });

  it('carries the event as it was added', async () => {
    const added = await publish(A, 'member.moved_out', { memberId: B, movedOutOn: '2025-06-30', keys: [1, 2] });
    const relayed: Event[] = [];
    const consumer = await stream.consume({ group: 'test', consumer: 'c1', blockMs: 50, handler: async (event) => void relayed.push(event) });

    await drain(new OutboxRelay(alpha, stream));
    await eventually(() => expect(relayed).toEqual([added]));
    await consumer.stop();
    expect(added.occurredAt).toBeInstanceOf(Date);
  });

  it("keeps a tenant out of other associations' outbox rows", async () => {
    const ofB = await publish(B, 'note.private_to_b');

    const seenByA = await alpha.tenant(A, (tx) => rowsOf<{ event_id: string }>(tx, sql`select event_id from alpha.outbox`));
    expect(seenByA.map((row) => row.event_id)).not.toContain(ofB.eventId);
    await expect(alpha.tenant(A, (tx) => alpha.outbox.add(tx, { topic: 'note.forged', associationId: B, payload: {} }))).rejects.toMatchObject(
      failingWith(/row-level security/),
    );
    const hidden = await alpha.tenant(A, (tx) => rowsOf(tx, sql`update alpha.outbox set relayed_at = now() where association_id = ${B} returning id`));
    expect(hidden).toEqual([]);

    await drain(new OutboxRelay(alpha, stream));
    expect((await streamed()).map((event) => event.topic)).toEqual(['note.private_to_b']);
  });

  it('rejects a topic that is not <domain>.<what_happened>', async () => {
    await expect(publish(A, 'Member moved out')).rejects.toThrow(/invalid event topic/);
    await expect(publish(A, 'moved_out')).rejects.toThrow(/invalid event topic/);
  });

  it('sends each event once when several relays run at the same time', async () => {
    const added = new Set<string>();
    for (let t = 0; t < 20; t++) {
      await alpha.tenant(A, async (tx) => {
        for (let i = 0; i < 10; i++) added.add((await alpha.outbox.add(tx, { topic: 'note.bulk', associationId: A, payload: { t, i } })).eventId);
      });
    }
    const relays = [1, 2, 3].map(() => new OutboxRelay(alpha, stream, { batchSize: 7 }));

    const moved = await Promise.all(relays.map(drain));

    const ids = (await streamed()).map((event) => event.eventId);
    expect(moved.reduce((sum, n) => sum + n, 0)).toBe(200);
    expect(ids).toHaveLength(200);
    expect(new Set(ids)).toEqual(added);
  });

  it('prunes rows relayed longer ago than it keeps them, and only those', async () => {
    const relay = new OutboxRelay(alpha, stream, { keepRelayedMs: 60 * 60_000 });
    await drain(relay);
    const [old, fresh] = [await publish(A, 'note.aged', { email: 'ola@example.no' }), await publish(B, 'note.aged')];
    await drain(relay);
    const unrelayed = await publish(A, 'note.aged');
    await alpha.system((tx) => tx.execute(sql`update alpha.outbox set relayed_at = now() - interval '61 minutes' where event_id = ${old.eventId}`));

    expect(await relay.pruneRelayed()).toBeGreaterThanOrEqual(1);

    const left = await alpha.system((tx) => rowsOf<{ event_id: string }>(tx, sql`select event_id from alpha.outbox where topic = 'note.aged'`));
    expect(left.map((row) => row.event_id).sort()).toEqual([fresh.eventId, unrelayed.eventId].sort());
    expect(await relay.pruneRelayed()).toBe(0);
    await drain(relay);
  });

  it('replays the events relayed since a time, with their own ids, in outbox order, a batch at a time', async () => {
    const relay = new OutboxRelay(alpha, stream);
    await drain(relay);
    const [old, ...recent] = [await publish(A, 'note.replayed'), await publish(B, 'note.replayed'), await publish(A, 'note.replayed')];
    const unrelayed = async () => publish(A, 'note.replayed');
    await drain(relay);
    await unrelayed();
    // The other cases' relayed rows, and one of these, were relayed before the time replayed from.
    await alpha.system((tx) =>
      tx.execute(sql`update alpha.outbox set relayed_at = now() - interval '2 hours' where topic <> 'note.replayed' or event_id = ${old.eventId}`),
    );
    await store.client.del(`${store.namespace}:events`);

    const since = new Date(Date.now() - 60 * 60_000);
    expect(await replayRelayedEvents(alpha, stream, { since, batchSize: 1 })).toBe(2);
    expect(await replayRelayedEvents(alpha, stream, { since, group: 'notifications' })).toBe(2);

    const entries = await store.client.xrange(`${store.namespace}:events`, '-', '+');
    const replayed = entries.map(([, fields]) => JSON.parse(fields[1]!) as Event);
    expect(replayed.map(({ eventId, replayFor }) => ({ eventId, replayFor }))).toEqual([
      ...recent.map(({ eventId }) => ({ eventId, replayFor: undefined })),
      ...recent.map(({ eventId }) => ({ eventId, replayFor: 'notifications' })),
    ]);
    expect(replayed[0]).toMatchObject({ topic: 'note.replayed', associationId: B });
    await drain(relay);
  });

  it('paces a replay: a batch waits while a consumer group is further behind than the bound', async () => {
    const relay = new OutboxRelay(alpha, stream);
    await drain(relay);
    const since = new Date();
    for (let i = 0; i < 7; i++) await publish(A, 'note.paced', { i });
    await drain(relay);
    const key = `${store.namespace}:events`;
    await store.client.xgroup('CREATE', key, 'slow', '$', 'MKSTREAM');
    const lags: number[] = [];
    const replayedEntries = new ReplayedEntries(store);
    // Asked every second while waiting: it must not read the stream's entries (up to 10 001 per group before).
    const xrange = jest.spyOn(store.client, 'xrange');
    const lagOfSlow = async () => (await streamBacklog(store, replayedEntries)).find((group) => group.group === 'slow')!.lag!;
    const told: string[] = [];
    const room = waitForConsumers({
      stats: () => streamBacklog(store, replayedEntries),
      maxLag: 3,
      onWait: (group, lag) => told.push(`${group} ${lag}`),
      // The slow group's consumer reads one entry while the replay waits.
      sleep: async () => void (await store.client.xreadgroup('GROUP', 'slow', 'c1', 'COUNT', 1, 'STREAMS', key, '>')),
    });

    const replayed = await replayRelayedEvents(alpha, stream, {
      since,
      batchSize: 2,
      room: async () => {
        await room();
        lags.push(await lagOfSlow());
      },
      appended: replayedEntries.appended,
    });

    expect(replayed).toBe(7);
    // Never more than the bound behind when a batch is appended, so never more than bound + batch after it.
    expect(Math.max(...lags)).toBeLessThanOrEqual(3);
    expect(await lagOfSlow()).toBeLessThanOrEqual(5);
    expect(told).toEqual(['slow 4', 'slow 4']);
    expect(xrange).not.toHaveBeenCalled();
    xrange.mockRestore();
    await store.client.xgroup('DESTROY', key, 'slow');
  });

  it('creates the consumer groups the stream lacks at its start, so a consumer down during a replay still gets the events', async () => {
    const relay = new OutboxRelay(alpha, stream);
    await drain(relay);
    const since = new Date();
    const lost = [await publish(A, 'note.regrouped'), await publish(B, 'note.regrouped')];
    await drain(relay);
    // Redis emptied; one consumer is up again (its group created at the end), the other is still down.
    const key = `${store.namespace}:events`;
    await store.client.del(key);
    await store.client.xgroup('CREATE', key, 'up', '$', 'MKSTREAM');

    expect(await createMissingGroups(store, ['down', 'up'])).toEqual(['down']);
    expect(await replayRelayedEvents(alpha, stream, { since })).toBe(2);

    // The consumer that was down starts: it joins as every subscriber does (a group at the end, kept if it exists).
    await expect(store.client.xgroup('CREATE', key, 'down', '$', 'MKSTREAM')).rejects.toThrow(/BUSYGROUP/);
    const read = await store.client.xreadgroup('GROUP', 'down', 'c1', 'COUNT', 10, 'STREAMS', key, '>');
    const events = ((read as [string, [string, string[]][]][] | null)?.[0]?.[1] ?? []).map(([, fields]) => JSON.parse(fields[1]!) as Event);
    expect(events.map((event) => event.eventId)).toEqual(lost.map((event) => event.eventId));
    expect(await createMissingGroups(store, ['down', 'up'])).toEqual([]);
    await store.client.del(key);
  });

  it("sends none of an erased person's events when the erasure comes while a replay waits for room", async () => {
    const relay = new OutboxRelay(alpha, stream);
    await drain(relay);
    const since = new Date();
    const per = randomUUID();
    const [, others] = [
      await publish(A, 'note.erased_meanwhile', { authorMemberId: per }),
      await publish(A, 'note.erased_meanwhile', { authorMemberId: randomUUID() }),
    ];
    await drain(relay);
    await store.client.del(`${store.namespace}:events`);
    let waits = 0;

    const replayed = await replayRelayedEvents(alpha, stream, {
      since,
      room: async () => {
        if (waits++ === 0) await alpha.tenant(A, (tx) => alpha.outbox.forgetPerson(tx, A, [per]));
      },
    });

    expect(replayed).toBe(1);
    expect((await streamed()).map((event) => event.eventId)).toEqual([others.eventId]);
  });

  it("forgets an erased person's events of their association: relayed ones deleted, unrelayed ones sent, then deleted", async () => {
    const relay = new OutboxRelay(alpha, stream);
    await drain(relay);
    const per = randomUUID();
    const about = (tenant: string, payload: Record<string, unknown>) => publish(tenant, 'note.about_per', payload);
    await about(A, { authorMemberId: per, email: 'per@example.no' });
    await about(A, { recipients: [randomUUID(), per.toUpperCase()] });
    const [otherPerson, inB] = [await about(A, { authorMemberId: randomUUID() }), await about(B, { authorMemberId: per })];
    await drain(relay);
    const unrelayed = await about(A, { entries: [{ subjectId: per }] });

    expect(await alpha.tenant(A, (tx) => alpha.outbox.forgetPerson(tx, A, [per]))).toEqual({ deleted: 2, marked: 1 });

    const kept = async () =>
      (await alpha.system((tx) => rowsOf<{ event_id: string }>(tx, sql`select event_id from alpha.outbox where topic = 'note.about_per'`)))
        .map((row) => row.event_id)
        .sort();
    expect(await kept()).toEqual([otherPerson.eventId, inB.eventId, unrelayed.eventId].sort());
    expect(await drain(relay)).toBe(1);
    expect((await streamed()).map((event) => event.eventId)).toContain(unrelayed.eventId);
    expect(await kept()).toEqual([otherPerson.eventId, inB.eventId].sort());

    // An association erased whole: every event of it, and only of it.
    const lastOfB = await about(B, { note: 'unrelayed' });
    const rowsOfB = async () => (await alpha.system((tx) => rowsOf(tx, sql`select 1 from alpha.outbox where association_id = ${B}`))).length;
    const rowsOfBBefore = await rowsOfB();
    // The unrelayed one too: nobody is left to tell (privacy's own erasure deletes its outbox rows likewise).
    expect(await alpha.tenant(B, (tx) => alpha.outbox.forgetAssociation(tx, B))).toEqual({ deleted: rowsOfBBefore });
    expect(await kept()).toEqual([otherPerson.eventId]);
    expect(await rowsOfB()).toBe(0);
    await drain(relay);
    expect((await streamed()).map((event) => event.eventId)).not.toContain(lastOfB.eventId);
  });

  it('deletes dead letters set aside longer ago than it keeps them, and only those', async () => {
    const relay = new OutboxRelay(alpha, stream, { keepDeadLettersMs: 30 * 24 * 60 * 60_000 });
    const letters = new DeadLetters(alpha);
    const event = (email: string): Event => ({ eventId: randomUUID(), topic: 'note.aged', associationId: A, occurredAt: new Date(), payload: { email } });
    const [old, fresh] = [event('kari@example.no'), event('per@example.no')];
    await letters.add('group-a', old, 'handler kept failing', 5);
    await letters.add('group-a', fresh, 'handler kept failing', 5);
    await alpha.system((tx) => tx.execute(sql`update alpha.dead_letters set dead_at = now() - interval '31 days' where event_id = ${old.eventId}`));

    expect(await relay.pruneDeadLetters()).toBe(1);

    expect((await letters.list()).map((letter) => letter.event.eventId)).toEqual([fresh.eventId]);
    expect(await relay.pruneDeadLetters()).toBe(0);
  });

  it("deletes an erased person's dead letters of their association, and an erased association's", async () => {
    const per = randomUUID();
    const letter = (tenant: string, payload: Record<string, unknown>): Event => ({
      eventId: randomUUID(),
      topic: 'note.about_per',
      associationId: tenant,
      occurredAt: new Date(),
      payload,
    });
    const [hers, other, inB] = [
      letter(A, { recipients: [randomUUID(), per.toUpperCase()] }),
      letter(A, { authorMemberId: randomUUID() }),
      letter(B, { authorMemberId: per }),
    ];
    for (const event of [hers, other, inB]) await alpha.deadLetters.add('group-a', event, 'handler kept failing', 5);
    const left = async () => (await alpha.deadLetters.list()).filter((dead) => [hers, other, inB].some((event) => event.eventId === dead.event.eventId));

    expect(await alpha.tenant(A, (tx) => alpha.deadLetters.forgetPerson(tx, A, [per]))).toBe(1);
    expect((await left()).map((dead) => dead.event.eventId).sort()).toEqual([other.eventId, inB.eventId].sort());
    expect(await alpha.tenant(B, (tx) => alpha.deadLetters.forgetAssociation(tx, B))).toBe(1);
    expect((await left()).map((dead) => dead.event.eventId)).toEqual([other.eventId]);
    await alpha.deadLetters.delete((await left())[0]!.id);
  });

  it('refuses to forget a person by anything but a uuid, and prunes relayed rows an erasure marked whatever their age', async () => {
    // '' is in every payload: it would have forgotten every relayed event of the association.
    for (const id of ['', 'a', `${randomUUID()}'`]) {
      await expect(alpha.tenant(A, (tx) => alpha.outbox.forgetPerson(tx, A, [id]))).rejects.toThrow(/uuid/);
      await expect(alpha.tenant(A, (tx) => alpha.deadLetters.forgetPerson(tx, A, [id]))).rejects.toThrow(/uuid/);
    }
    const relay = new OutboxRelay(alpha, stream);
    await drain(relay);
    const [kept, marked] = [await publish(A, 'note.left_marked'), await publish(A, 'note.left_marked')];
    await drain(relay);
    // A relay of a version before forget_when_relayed sent the marked row and kept it (a rolling deploy).
    await alpha.system((tx) => tx.execute(sql`update alpha.outbox set forget_when_relayed = true where event_id = ${marked.eventId}`));

    expect(await relay.pruneRelayed()).toBe(1);
    const left = await alpha.system((tx) => rowsOf<{ event_id: string }>(tx, sql`select event_id from alpha.outbox where topic = 'note.left_marked'`));
    expect(left.map((row) => row.event_id)).toEqual([kept.eventId]);
  });

  it('relays in the background until stopped', async () => {
    const relay = new OutboxRelay(alpha, stream, { pollIntervalMs: 20 });
    relay.start();
    const added = await publish(A, 'note.background');

    await eventually(async () => expect((await streamed()).map((event) => event.eventId)).toEqual([added.eventId]));
    await relay.stop();
    await publish(A, 'note.after_stop');
    await sleep(100);
    expect(await streamed()).toHaveLength(1);
    expect(await drain(relay)).toBe(1);
  });
});
