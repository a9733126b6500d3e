import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { TunetEvents, TunetPayload } from '@tunet/events';
import { sql } from 'drizzle-orm';
import { register } from 'prom-client';
import type { SubgraphDatabase } from '../database';
import { ServiceUnavailable } from '../internal-routes';
import { closeFastStore, type FastStore } from '../redis';
import { openTestDatabase, openTestRedis, type TestDatabase } from '../kit.fixtures';
import { AlreadyReplayed, DeadLetters } from './dead-letters';
import { openEventStream, type EventStream } from './event-stream';
import { EventSubscriber, type ContractEvent, type EventHandlers } from './event-subscriber';
import type { Event } from './outbox';
import { eventually, sleep } from './events.fixtures';

const A = '11111111-1111-4111-8111-111111111111';
const FAST = { blockMs: 50, claimIdleMs: 5_000, retryDelayMs: 10 };

const joined = (payload: Record<string, unknown> = { memberId: randomUUID(), invitationId: randomUUID() }): Event => ({
  eventId: randomUUID(),
  topic: 'member.joined',
  associationId: A,
  occurredAt: new Date(),
  payload,
});

const duplicatesSkipped = async (group: string) =>
  (await register.getSingleMetric('tunet_events_duplicates_skipped_total')!.get()).values
    .filter((value) => value.labels.group === group)
    .reduce((sum, value) => sum + value.value, 0);

const deadLetterCount = async (cause: string) =>
  (await register.getSingleMetric('tunet_events_dead_lettered_total')!.get()).values
    .filter((value) => value.labels.cause === cause)
    .reduce((sum, value) => sum + value.value, 0);

/** On a real PostgreSQL (the dead letters) and Redis (the stream). */
describe('event subscriber', () => {
  let testDb: TestDatabase;
  let db: SubgraphDatabase;
  let store: FastStore;
  let stream: EventStream;
  const running: EventSubscriber[] = [];

  beforeAll(async () => {
    testDb = await openTestDatabase();
    db = testDb.connection.forSubgraph('alpha', path.join(__dirname, '../__fixtures__/alpha'));
    await db.migrate();
  });
  afterAll(() => testDb.drop());

  beforeEach(async () => {
    store = await openTestRedis();
    stream = openEventStream(store);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((subscriber) => subscriber.stop()));
    await closeFastStore(store);
  });

  const subscribe = async (group: string, handlers: EventHandlers, maxAttempts = 3) => {
    const subscriber = new EventSubscriber({ ...FAST, stream, db, group, handlers, maxAttempts, consumer: 'c1' });
    running.push(subscriber);
    subscriber.start();
    expect(await subscriber.started()).toBe(true);
    return subscriber;
  };
  const lettersOf = async (group: string) => (await new DeadLetters(db).list()).filter((letter) => letter.group === group);

  it('sets a malformed event aside with its reason and goes on with the next one', async () => {
    const handled: TunetPayload<'member.joined'>[] = [];
    await subscribe('malformed', { 'member.joined': async (event) => void handled.push(event.payload) });
    const before = await deadLetterCount('malformed');
    const malformed = joined({ memberId: 'not-an-id' });
    const next = joined();

    await stream.append([malformed, next]);

    await eventually(() => expect(handled).toEqual([next.payload]));
    const [letter, ...others] = await lettersOf('malformed');
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ event: malformed, attempts: 0, replayedAt: null });
    expect(letter!.reason).toMatch(/payload breaks the contract of member\.joined v1/);
    expect(letter!.reason).toMatch(/memberId/);
    expect(await deadLetterCount('malformed')).toBe(before + 1);
  });

  it('reads a payload with a field its contract does not know yet, as a producer one version ahead writes it', async () => {
    const handled: TunetPayload<'member.joined'>[] = [];
    await subscribe('ahead', { 'member.joined': async (event) => void handled.push(event.payload) });
    const known = { memberId: randomUUID(), invitationId: randomUUID() };
    await stream.append([joined({ ...known, addedLater: 'x' })]);
    await eventually(() => expect(handled).toEqual([known]));
    expect(await lettersOf('ahead')).toEqual([]);
  });

  it('retries a failing handler a bounded number of times, then sets the event aside and goes on', async () => {
    const attempts: string[] = [];
    const handled: string[] = [];
    const poisoned = joined();
    await subscribe(
      'failing',
      {
        'member.joined': async (event) => {
          if (event.eventId !== poisoned.eventId) return void handled.push(event.eventId);
          attempts.push(event.eventId);
          throw new Error('the directory is confused');
        },
      },
      4,
    );
    const next = joined();

    await stream.append([poisoned, next]);

    await eventually(() => expect(handled).toEqual([next.eventId]));
    expect(attempts).toHaveLength(4);
    const [letter] = await lettersOf('failing');
    expect(letter).toMatchObject({ event: poisoned, attempts: 4 });
    expect(letter!.reason).toMatch(/handler failed 4 times; last: the directory is confused/);
    await sleep(FAST.blockMs * 4);
    expect(attempts).toHaveLength(4);
  });

  it('keeps an event whose handler needs a service that is down, and handles it once the service is back', async () => {
    let up = false;
    let attempts = 0;
    const handled: string[] = [];
    const subscriber = new EventSubscriber({
      ...FAST,
      claimIdleMs: 300,
      stream,
      db,
      group: 'outage',
      consumer: 'c1',
      maxAttempts: 3,
      handlers: {
        'member.joined': async (event) => {
          attempts++;
          if (!up) throw new ServiceUnavailable("privacy's privacy/states answered HTTP 503");
          handled.push(event.eventId);
        },
      },
    });
    running.push(subscriber);
    subscriber.start();
    expect(await subscriber.started()).toBe(true);
    const sent = joined();

    await stream.append([sent]);

    await eventually(() => expect(attempts).toBeGreaterThanOrEqual(6));
    expect(await lettersOf('outage')).toEqual([]);
    up = true;
    await eventually(() => expect(handled).toEqual([sent.eventId]));
    expect(await lettersOf('outage')).toEqual([]);
  });

  it('does not set aside an event whose handler succeeds on a retry', async () => {
    let failures = 0;
    const handled: string[] = [];
    await subscribe('flaky', {
      'member.joined': async (event) => {
        if (failures++ < 2) throw new Error('flaky');
        handled.push(event.eventId);
      },
    });
    const sent = joined();

    await stream.append([sent]);

    await eventually(() => expect(handled).toEqual([sent.eventId]));
    expect(await lettersOf('flaky')).toEqual([]);
  });

  it('replays a dead letter to its own group only, with its own event id', async () => {
    let broken = true;
    const handled: ContractEvent<TunetEvents, 'member.joined'>[] = [];
    const others: string[] = [];
    await subscribe('replayed', {
      'member.joined': async (event) => {
        if (broken) throw new Error('not yet');
        handled.push(event);
      },
    });
    await subscribe('bystander', { 'member.joined': async (event) => void others.push(event.eventId) });
    const sent = joined();
    await stream.append([sent]);
    await eventually(async () => expect(await lettersOf('replayed')).toHaveLength(1));
    await eventually(() => expect(others).toEqual([sent.eventId]));

    broken = false;
    const [letter] = await lettersOf('replayed');
    const replayed = await new DeadLetters(db).replay(letter!.id, stream);

    expect(replayed?.replayedAt).toBeInstanceOf(Date);
    await eventually(() => expect(handled.map((event) => event.eventId)).toEqual([sent.eventId]));
    expect(handled[0]!.payload).toEqual(sent.payload);
    await sleep(FAST.blockMs * 4);
    expect(others).toEqual([sent.eventId]);
    expect(await new DeadLetters(db).replay(999_999, stream)).toBeNull();

    await expect(new DeadLetters(db).replay(letter!.id, stream)).rejects.toBeInstanceOf(AlreadyReplayed);
    // Replayed again after it was handled: the group has its event id, so the handler does not run twice.
    await new DeadLetters(db).replay(letter!.id, stream, { again: true });
    await eventually(async () => expect(await duplicatesSkipped('replayed')).toBe(1));
    expect(handled).toHaveLength(1);

    // Dealt with: the operator deletes it (`tunet dead-letters delete`), once.
    expect(await new DeadLetters(db).delete(letter!.id)).toMatchObject({ id: letter!.id, group: 'replayed' });
    expect(await lettersOf('replayed')).toEqual([]);
    expect(await new DeadLetters(db).delete(letter!.id)).toBeNull();
  });

  it('handles an event delivered twice with the same event id once, for each group', async () => {
    const handled: string[] = [];
    const bystanders: string[] = [];
    await subscribe('once', { 'member.joined': async (event) => void handled.push(event.eventId) });
    await subscribe('once-too', { 'member.joined': async (event) => void bystanders.push(event.eventId) });
    const sent = joined();
    const next = joined();

    await stream.append([sent]);
    await eventually(() => expect([handled, bystanders]).toEqual([[sent.eventId], [sent.eventId]]));
    // A replay (tunet replay-events appends the relayed outbox rows again, with their own ids), then another event.
    await stream.append([sent, next]);

    await eventually(() =>
      expect([handled, bystanders]).toEqual([
        [sent.eventId, next.eventId],
        [sent.eventId, next.eventId],
      ]),
    );
    expect(await duplicatesSkipped('once')).toBe(1);
    expect(await duplicatesSkipped('once-too')).toBe(1);
  });

  it('forgets handled event ids older than it keeps them, and only those', async () => {
    const subscriber = await subscribe('forgets', { 'member.joined': async () => {} });
    const [old, fresh] = [joined(), joined()];
    await stream.append([old, fresh]);
    const keptIds = () =>
      db.system(async (tx) => {
        const { rows } = (await tx.execute(sql`select event_id from alpha.handled_events where consumer_group = 'forgets' order by event_id`)) as {
          rows: { event_id: string }[];
        };
        return rows.map((row) => row.event_id);
      });
    await eventually(async () => expect(await keptIds()).toEqual([old.eventId, fresh.eventId].sort()));
    await db.system((tx) => tx.execute(sql`update alpha.handled_events set handled_at = now() - interval '97 hours' where event_id = ${old.eventId}`));

    expect(await subscriber.pruneHandled()).toBe(1);

    expect(await keptIds()).toEqual([fresh.eventId]);
  });

  it('refuses retries that would outlast claimIdleMs, when a peer would take the event over and handle it too', () => {
    const handlers: EventHandlers = { 'member.joined': async () => {} };
    expect(() => new EventSubscriber({ stream, db, group: 'g', handlers, claimIdleMs: 7_000 })).toThrow(/retry waits \(7500 ms per event\)/);
    expect(() => new EventSubscriber({ stream, db, group: 'g', handlers, claimIdleMs: 60_000, batchSize: 20 })).toThrow(/retry waits/);
    expect(() => new EventSubscriber({ stream, db, group: 'g', handlers, claimIdleMs: 60_000 })).not.toThrow();
  });

  it('refuses to subscribe to a topic without a contract', () => {
    // @ts-expect-error: only topics of packages/events
    const handlers: EventHandlers = { 'member.teleported': async () => {} };
    expect(() => new EventSubscriber({ stream, db, group: 'g', handlers })).toThrow(/no contract for topic member\.teleported/);
  });
});
