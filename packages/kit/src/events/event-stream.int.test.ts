import { randomUUID } from 'node:crypto';
import { closeFastStore, COMMAND_TIMEOUT_MS, type FastStore } from '../redis';
import { openTestRedis } from '../kit.fixtures';
import { openEventStream, type ConsumeOptions, type Consumer, type EventStream } from './event-stream';
import type { Event } from './outbox';
import { eventually, sleep } from './events.fixtures';

const A = '11111111-1111-4111-8111-111111111111';
/** Small enough that redelivery tests take a fraction of a second. */
const FAST = { blockMs: 50, claimIdleMs: 300 };

const events = (count: number, topic = 'test.happened'): Event[] =>
  Array.from({ length: count }, (_, i) => ({ eventId: randomUUID(), topic, associationId: A, occurredAt: new Date(), payload: { i } }));
const ids = (list: Event[]) => list.map((event) => event.eventId);

describe.each(['redis', 'memory'] as const)('event stream on %s', (kind) => {
  let store: FastStore;
  let stream: EventStream;
  const running: Consumer[] = [];
  const hung: ((error: Error) => void)[] = [];

  /** A handler's promise that never settles: the consumer's process is gone before it acknowledges. */
  const neverSettles = () => new Promise<void>((_, reject) => hung.push(reject));
  /** Lets stop() of a consumer stuck in such a handler return, without acknowledging. */
  const releaseHung = () => {
    for (const reject of hung.splice(0)) reject(new Error('the process died before acknowledging'));
  };

  beforeEach(async () => {
    store = kind === 'redis' ? await openTestRedis() : { kind: 'memory', namespace: 'test' };
    stream = openEventStream(store);
  });
  afterEach(async () => {
    releaseHung();
    await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
    await closeFastStore(store);
  });

  const consume = async (options: ConsumeOptions) => {
    const consumer = await stream.consume({ ...FAST, ...options });
    running.push(consumer);
    return consumer;
  };

  /** A handler that records what it handled, and how often. */
  const recorder = () => {
    const handled: string[] = [];
    return { handled, handler: async (event: Event) => void handled.push(event.eventId) };
  };

  it('delivers every event to each group, in order', async () => {
    const first = recorder();
    const second = recorder();
    await consume({ group: 'first', consumer: 'c1', handler: first.handler });
    await consume({ group: 'second', consumer: 'c1', handler: second.handler });
    const sent = events(5);

    await stream.append(sent.slice(0, 2));
    await stream.append(sent.slice(2));

    await eventually(() => {
      expect(first.handled).toEqual(ids(sent));
      expect(second.handled).toEqual(ids(sent));
    });
  });

  it('delivers the event as it was appended', async () => {
    const received: Event[] = [];
    await consume({ group: 'g', consumer: 'c1', handler: async (event) => void received.push(event) });
    const [sent] = events(1);

    await stream.append([sent!]);

    await eventually(() => expect(received).toEqual([sent]));
  });

  it('starts a new group at the end of the stream', async () => {
    await stream.append(events(2));
    const late = recorder();
    await consume({ group: 'late', consumer: 'c1', handler: late.handler });
    const after = events(1);

    await stream.append(after);

    await eventually(() => expect(late.handled).toEqual(ids(after)));
  });

  it("shares a group's events between its consumers without duplicates", async () => {
    const handledBy = { c1: recorder(), c2: recorder() };
    for (const [name, { handled }] of Object.entries(handledBy)) {
      const handler = async (event: Event) => {
        await sleep(10);
        handled.push(event.eventId);
      };
      await consume({ group: 'g', consumer: name, batchSize: 2, handler });
    }
    const sent = events(20);

    await stream.append(sent);

    const all = () => [...handledBy.c1.handled, ...handledBy.c2.handled];
    await eventually(() => expect(all()).toHaveLength(20));
    await sleep(FAST.claimIdleMs + 100);
    expect(all().sort()).toEqual(ids(sent).sort());
    expect(handledBy.c1.handled.length).toBeGreaterThan(0);
    expect(handledBy.c2.handled.length).toBeGreaterThan(0);
  });

  it('delivers only the topics asked for, and does not come back with the others', async () => {
    const { handled, handler } = recorder();
    await consume({ group: 'g', consumer: 'c1', topics: ['test.wanted'], handler });
    const [wanted, other, alsoWanted] = [...events(1, 'test.wanted'), ...events(1, 'test.other'), ...events(1, 'test.wanted')];

    await stream.append([wanted!, other!, alsoWanted!]);

    await eventually(() => expect(handled).toEqual(ids([wanted!, alsoWanted!])));
    await sleep(FAST.claimIdleMs + 100);
    expect(handled).toHaveLength(2);
  });

  it('redelivers an event whose handler failed once it has been idle for claimIdleMs', async () => {
    let attempts = 0;
    const { handled, handler } = recorder();
    await consume({
      group: 'g',
      consumer: 'c1',
      handler: async (event) => {
        if (++attempts === 1) throw new Error('flaky');
        await handler(event);
      },
    });
    const sent = events(1);

    await stream.append(sent);

    await eventually(() => expect(handled).toEqual(ids(sent)));
    expect(attempts).toBe(2);
  });

  it('gives a restarted consumer the events it held unacknowledged, without waiting for them to go idle', async () => {
    const received: string[] = [];
    const crashed = await consume({
      group: 'g',
      consumer: 'c1',
      claimIdleMs: 60_000,
      handler: (event) => {
        received.push(event.eventId);
        return neverSettles();
      },
    });
    const sent = events(3);
    await stream.append(sent);
    await eventually(() => expect(received).toHaveLength(1));
    const stopped = crashed.stop();
    releaseHung();
    await stopped;

    const restarted = recorder();
    await consume({ group: 'g', consumer: 'c1', claimIdleMs: 60_000, handler: restarted.handler });

    await eventually(() => expect(restarted.handled).toEqual(ids(sent)));
  });

  it('loses and duplicates nothing when a consumer dies between receive and ack', async () => {
    const received: string[] = [];
    await consume({
      group: 'g',
      consumer: 'dying',
      batchSize: 3,
      handler: (event) => {
        received.push(event.eventId);
        return neverSettles();
      },
    });
    const sent = events(10);
    await stream.append(sent);
    await eventually(() => expect(received).toHaveLength(1));

    const survivor = recorder();
    await consume({ group: 'g', consumer: 'survivor', handler: survivor.handler });

    await eventually(() => expect(survivor.handled).toHaveLength(10));
    await sleep(FAST.claimIdleMs + 200);
    expect(survivor.handled.sort()).toEqual(ids(sent).sort());
  });

  it('trims entries older than its age however few there are, and a lagging group never sees them', async () => {
    const DAY = 24 * 60 * 60_000;
    let now = Date.now();
    const aged = openEventStream(store, { now: () => now });
    const lagging = recorder();
    const [old, fresh] = events(2) as [Event, Event];
    await (await aged.consume({ ...FAST, group: 'lagging', consumer: 'c1', handler: lagging.handler })).stop();

    if (store.kind === 'redis') {
      // Redis stamps an entry with its own clock: an entry of 25 hours ago is added by its id.
      await store.client.xadd(`${store.namespace}:events`, `${now - DAY - 60 * 60_000}-0`, 'event', JSON.stringify(old));
    } else {
      now -= DAY + 60 * 60_000;
      await aged.append([old]);
      now += DAY + 60 * 60_000;
    }
    await aged.append([fresh]);

    const resumed = recorder();
    await consume({ group: 'lagging', consumer: 'c1', handler: resumed.handler });
    // In stream order the old entry would come first: equality fails for as long as it is there.
    await eventually(() => expect(resumed.handled).toEqual([fresh.eventId]));
  });

  it('keeps a read waiting longer than any other Redis command may take, so an event appended then arrives at once', async () => {
    const waiting = recorder();
    await consume({ group: 'g', consumer: 'c1', blockMs: 10_000, handler: waiting.handler });
    // Past the client's command timeout: a read bound by it would have failed and paused for blockMs.
    await sleep(COMMAND_TIMEOUT_MS + 500);
    const [sent] = events(1);

    await stream.append([sent!]);

    await eventually(() => expect(waiting.handled).toEqual([sent!.eventId]));
  });

  it('stops promptly while a read is waiting for events', async () => {
    const consumer = await consume({ group: 'g', consumer: 'c1', blockMs: 10_000, handler: async () => {} });
    await sleep(100);

    const startedAt = Date.now();
    await consumer.stop();

    expect(Date.now() - startedAt).toBeLessThan(1000);
  });
});

describe('event stream on a Redis that lost the stream', () => {
  let store: FastStore;
  const running: Consumer[] = [];

  beforeEach(async () => {
    store = await openTestRedis();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
    await closeFastStore(store);
  });

  it('creates the group again from the start of the stream, so nothing appended after the loss is skipped', async () => {
    if (store.kind !== 'redis') throw new Error('needs Redis');
    const key = `${store.namespace}:events`;
    const stream = openEventStream(store);
    const handled: string[] = [];
    const consumer = await stream.consume({ ...FAST, group: 'g', consumer: 'c1', handler: async (event) => void handled.push(event.eventId) });
    running.push(consumer);
    const [before, during, after] = events(3) as [Event, Event, Event];
    await stream.append([before]);
    await eventually(() => expect(handled).toEqual([before.eventId]));

    // What FLUSHALL does to this test's key alone (the shared test Redis serves other files meanwhile): the stream
    // and its groups are gone, and a producer's next append makes a new stream without them.
    await store.client.del(key);
    await stream.append([during]);
    await stream.append([after]);

    await eventually(() => expect(handled).toEqual(ids([before, during, after])));
    expect(consumer.health()).toMatchObject({ group: 'g', failingSince: undefined });
    expect(consumer.health().lastReadAt).toBeInstanceOf(Date);
  });
});
