import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { closeFastStore, openEventStream, type Event, type EventSubscriber, type FastStore } from '@tunet/kit';
import { eventually } from '@tunet/kit/src/events/events.fixtures';
import { openTestRedis, testBackend } from '@tunet/kit/src/kit.fixtures';
import { inArray } from 'drizzle-orm';
import { acceptingSenders } from '../dispatch/delivery.fixtures';
import { deliveries, notifications } from '../tables';
import { openNotificationsTestBed, type NotificationsTestBed } from '../notifications.fixtures';
import { eventIn, ingestOn, MEMBERS_TOPIC, membersEvent, membersRule } from './ingest.fixtures';
import { NOTIFICATIONS_GROUP, notificationEvents } from './notification-events';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

let bed: NotificationsTestBed;
let store: Extract<FastStore, { kind: 'redis' }>;
const running: EventSubscriber[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  bed = await openNotificationsTestBed();
});

afterAll(() => bed.close());

beforeEach(async () => {
  const opened = await openTestRedis();
  if (opened.kind !== 'redis') throw new Error('these tests need a real Redis');
  store = opened;
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(running.splice(0).map((job) => job.stop()));
  await closeFastStore(store);
});

/** An association with three members who each have an e-mail address. */
function residents(): { tenant: string; memberIds: string[] } {
  const tenant = bed.directory.addAssociation({ id: randomUUID() }).id;
  return { tenant, memberIds: [1, 2, 3].map(() => bed.directory.add({ associationId: tenant }).memberId) };
}

/** A consumer in this process on the test database, as subgraph.ts starts it. */
async function consumeHere(
  consumer: string,
  ingest: { handle(event: Event): Promise<unknown> } = ingestOn(bed.subgraph.db, bed.directory, membersRule, { senders: acceptingSenders() }),
) {
  const job = notificationEvents(openEventStream(store), bed.subgraph.db, ingest, [MEMBERS_TOPIC], {
    consumer,
    blockMs: 50,
    claimIdleMs: 300,
    retryDelayMs: 10,
  });
  running.push(job);
  job.start();
  expect(await job.started()).toBe(true);
  return job;
}

/** How many events the group holds delivered but unacknowledged (Redis XPENDING). */
async function pendingCount(): Promise<number> {
  const [count] = (await store.client.xpending(`${store.namespace}:events`, NOTIFICATIONS_GROUP)) as [number, ...unknown[]];
  return Number(count);
}

/** Each event's stored (recipient, channel) pairs, with repeats if there were any. */
async function storedOf(events: Event[]): Promise<{ notifications: string[]; deliveries: string[] }> {
  return bed.subgraph.db.system(async (tx) => {
    const rows = await tx
      .select()
      .from(notifications)
      .where(
        inArray(
          notifications.eventId,
          events.map((event) => event.eventId),
        ),
      );
    const sent =
      rows.length === 0
        ? []
        : await tx
            .select()
            .from(deliveries)
            .where(
              inArray(
                deliveries.notificationId,
                rows.map((row) => row.id),
              ),
            );
    const recipientOf = new Map(rows.map((row) => [row.id, `${row.eventId}/${row.recipient}`]));
    return {
      notifications: rows.map((row) => `${row.eventId}/${row.recipient}`).sort(),
      deliveries: sent.map((row) => `${recipientOf.get(row.notificationId)}/${row.channel}`).sort(),
    };
  });
}

/** The pairs one handling of each event stores: every member gets an inbox row and an e-mail. */
function expectedFor(events: Event[], memberIds: string[]) {
  const notificationKeys = events.flatMap((event) => memberIds.map((id) => `${event.eventId}/member:${id}`)).sort();
  return { notifications: notificationKeys, deliveries: notificationKeys.map((key) => `${key}/email`).sort() };
}

describe('notification events', () => {
  it('stores an event handled again after its handler failed once, and acknowledges it, without duplicates', async () => {
    const { tenant, memberIds } = residents();
    const ingest = ingestOn(bed.subgraph.db, bed.directory, membersRule, { senders: acceptingSenders() });
    const handled: string[] = [];
    const failsAfterStoringOnce = {
      async handle(event: Event) {
        await ingest.handle(event);
        handled.push(event.eventId);
        if (handled.length === 1) throw new Error('the process died before acknowledging');
      },
    };
    await consumeHere('in-process', failsAfterStoringOnce);
    const event = membersEvent(tenant, memberIds);

    await openEventStream(store).append([eventIn(tenant, 'post.commented'), event]);

    await eventually(async () => expect(handled).toEqual([event.eventId, event.eventId]), 15_000);
    await eventually(async () => expect(await pendingCount()).toBe(0), 15_000);
    expect(await storedOf([event])).toEqual(expectedFor([event], memberIds));
  });

  // A child process cannot share a PGlite database, so the real kill runs against PostgreSQL only.
  (testBackend() === 'postgres' ? it : it.skip)(
    'loses and duplicates nothing when the consumer is killed between storing and acknowledging',
    async () => {
      const { tenant, memberIds } = residents();
      const consumer = `notifications-${randomUUID().slice(0, 8)}`;
      const child = fork(path.join(__dirname, '__fixtures__', 'consumer-process.ts'), [], {
        cwd: REPO_ROOT,
        execArgv: ['--import', 'tsx'],
        env: {
          ...process.env,
          DATABASE_URL: bed.database.url,
          REDIS_URL: process.env.TEST_REDIS_URL,
          STREAM_NAMESPACE: store.namespace,
          CONSUMER_NAME: consumer,
          DIRECTORY: JSON.stringify({ associations: [...bed.directory.associations.values()], entries: bed.directory.entries }),
        },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      const messages: { ready?: boolean; stored?: string }[] = [];
      child.on('message', (message) => messages.push(message as (typeof messages)[number]));
      await eventually(async () => expect(messages).toContainEqual({ ready: true }), 25_000);
      // Both arrive in one read: the first is stored and never acknowledged, the second never even handled.
      const [first, second] = [membersEvent(tenant, memberIds), membersEvent(tenant, memberIds)];

      await openEventStream(store).append([first, second]);
      await eventually(async () => expect(messages).toContainEqual({ stored: first.eventId }), 15_000);
      expect(await storedOf([first])).toEqual(expectedFor([first], memberIds));
      expect(await pendingCount()).toBe(2);
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      expect(await exited).toEqual([null, 'SIGKILL']);

      await consumeHere(consumer);

      await eventually(async () => expect(await pendingCount()).toBe(0), 15_000);
      expect(messages.filter((message) => message.stored)).toEqual([{ stored: first.eventId }]);
      expect(await storedOf([first, second])).toEqual(expectedFor([first, second], memberIds));
    },
    60_000,
  );
});
