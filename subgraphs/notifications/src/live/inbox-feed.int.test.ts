import { randomUUID } from 'node:crypto';
import { closeFastStore, openFastStore, type FastStore } from '@tunet/kit';
import { eventually } from '@tunet/kit/src/events/events.fixtures';
import { openTestRedis } from '@tunet/kit/src/kit.fixtures';
import { openInboxFeed, type LiveInboxFeed } from './inbox-feed';

const A = randomUUID();
const B = randomUUID();

describe.each(['redis', 'memory'] as const)('inbox feed on %s', (kind) => {
  let stores: FastStore[];
  /** Two processes' worth of feeds: on Redis each on its own connection, in memory on the one embedded store. */
  let publisher: LiveInboxFeed;
  let listener: LiveInboxFeed;

  beforeEach(async () => {
    if (kind === 'redis') {
      const first = await openTestRedis();
      const second = await openFastStore(process.env.TEST_REDIS_URL, first.namespace);
      stores = [first, second];
    } else {
      const embedded: FastStore = { kind: 'memory', namespace: `test-${randomUUID()}` };
      stores = [embedded, embedded];
    }
    publisher = openInboxFeed(stores[0]!);
    listener = openInboxFeed(stores[1]!);
  });
  afterEach(async () => {
    await publisher.close();
    await listener.close();
    for (const store of new Set(stores)) await closeFastStore(store);
  });

  it("delivers a member's update published in another process", async () => {
    const member = randomUUID();
    const subscription = listener.subscribe(A, member);
    await subscription.ready;
    const notificationId = randomUUID();

    await publisher.publish(A, member, { notificationId });

    expect(await subscription.next()).toEqual({ done: false, value: { notificationId } });
  });

  it("gives every open stream of the member each update, and nobody else's", async () => {
    const member = randomUUID();
    const neighbour = randomUUID();
    const phone = listener.subscribe(A, member);
    const laptop = publisher.subscribe(A, member);
    await Promise.all([phone.ready, laptop.ready]);
    const own = randomUUID();

    // Published first, so they would arrive first if they reached the member's streams at all.
    await publisher.publish(A, neighbour, { notificationId: randomUUID() });
    await publisher.publish(B, member, { notificationId: randomUUID() });
    await publisher.publish(A, member, { notificationId: own });

    expect((await phone.next()).value).toEqual({ notificationId: own });
    expect((await laptop.next()).value).toEqual({ notificationId: own });
  });

  it('passes on count-only updates', async () => {
    const member = randomUUID();
    const subscription = listener.subscribe(A, member);
    await subscription.ready;

    await publisher.publish(A, member, { notificationId: null });

    expect((await subscription.next()).value).toEqual({ notificationId: null });
  });

  it('ends a waiting subscription when it is returned, and forgets it', async () => {
    const subscription = listener.subscribe(A, randomUUID());
    await subscription.ready;
    const waiting = subscription.next();
    expect(listener.subscriptions).toBe(1);

    await subscription.return();

    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(listener.subscriptions).toBe(0);
  });

  it('ends every subscription when the feed closes', async () => {
    const first = listener.subscribe(A, randomUUID());
    const second = listener.subscribe(B, randomUUID());
    await Promise.all([first.ready, second.ready]);
    const waiting = first.next();

    await listener.close();

    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(await second.next()).toEqual({ done: true, value: undefined });
    expect(listener.subscriptions).toBe(0);
    expect(await listener.subscribe(A, randomUUID()).next()).toEqual({ done: true, value: undefined });
  });

  if (kind === 'redis') {
    it('listens on Redis only while someone in the process does', async () => {
      const member = randomUUID();
      const channel = `${stores[0]!.namespace}:inbox:${A}:${member}`;
      const client = (stores[0] as Extract<FastStore, { kind: 'redis' }>).client;
      const listeners = async () => ((await client.pubsub('NUMSUB', channel)) as [string, number])[1];
      const first = listener.subscribe(A, member);
      const second = listener.subscribe(A, member);
      await Promise.all([first.ready, second.ready]);
      expect(await listeners()).toBe(1);

      await first.return();
      expect(await listeners()).toBe(1);
      await second.return();

      await eventually(async () => expect(await listeners()).toBe(0));
    });

    it('drops messages that are no update and delivers the next one', async () => {
      const member = randomUUID();
      const subscription = listener.subscribe(A, member);
      await subscription.ready;
      const channel = `${stores[0]!.namespace}:inbox:${A}:${member}`;
      const client = (stores[0] as Extract<FastStore, { kind: 'redis' }>).client;
      const notificationId = randomUUID();

      await client.publish(channel, 'not json');
      await client.publish(channel, JSON.stringify({ notificationId: "1' or '1'='1" }));
      await publisher.publish(A, member, { notificationId });

      expect((await subscription.next()).value).toEqual({ notificationId });
    });
  }
});
