import { randomUUID } from 'node:crypto';
import { closeFastStore, openEventStream, type Event, type EventSubscriber, type FastStore } from '@tunet/kit';
import { eventually } from '@tunet/kit/src/events/events.fixtures';
import { openTestRedis } from '@tunet/kit/src/kit.fixtures';
import { eq } from 'drizzle-orm';
import { openNotificationsTestBed, type NotificationsTestBed } from '../notifications.fixtures';
import { closedAssociations, deliveries, notifications } from '../tables';

let bed: NotificationsTestBed;
let store: FastStore;
let subscriber: EventSubscriber;

beforeAll(async () => {
  bed = await openNotificationsTestBed();
  store = await openTestRedis();
  // The subgraph's own consumer of the stream, as a replica runs it.
  subscriber = bed.subgraph.backgroundJobs(openEventStream(store))[0] as EventSubscriber;
  subscriber.start();
  expect(await subscriber.started()).toBe(true);
});

afterAll(async () => {
  await subscriber.stop();
  await closeFastStore(store);
  await bed.close();
});

function association() {
  const tenant = bed.directory.addAssociation({ id: randomUUID() }).id;
  bed.directory.contacts.set(tenant, `styret-${tenant.slice(0, 8)}@borettslag.test`);
  const board = bed.directory.add({ associationId: tenant, board: true });
  return { tenant, board };
}

const invoiceIssued = (tenant: string): Event => ({
  eventId: randomUUID(),
  topic: 'invoice.issued',
  associationId: tenant,
  occurredAt: new Date(),
  payload: {
    invoiceId: randomUUID(),
    feature: 'sms',
    amountOre: 49_900,
    issuedOn: '2027-03-01',
    dueOn: '2027-03-15',
    periodStart: '2027-03-01',
    periodEnd: '2027-04-01',
  },
});

const terminated = (tenant: string): Event => ({
  eventId: randomUUID(),
  topic: 'association.terminated',
  associationId: tenant,
  occurredAt: new Date(),
  payload: { terminationId: randomUUID(), terminatedOn: '2027-03-01', initiatedBy: 'board', timeZone: 'Europe/Oslo' },
});

const notificationsOf = (tenant: string, event: Event) =>
  bed.subgraph.db.tenant(tenant, (tx) => tx.select().from(notifications).where(eq(notifications.eventId, event.eventId)));

const deliveriesOf = (tenant: string) => bed.subgraph.db.tenant(tenant, (tx) => tx.select().from(deliveries).where(eq(deliveries.associationId, tenant)));

describe('association.terminated', () => {
  it('stops everything for the association: what was queued is withheld, and later events reach nobody on any channel', async () => {
    const closing = association();
    const other = association();
    const before = invoiceIssued(closing.tenant);
    await openEventStream(store).append([before]);
    await eventually(async () => expect(await notificationsOf(closing.tenant, before)).toHaveLength(2));

    await openEventStream(store).append([terminated(closing.tenant)]);
    await eventually(async () =>
      expect(await bed.subgraph.db.tenant(closing.tenant, (tx) => tx.select().from(closedAssociations))).toMatchObject([
        { associationId: closing.tenant, terminatedOn: '2027-03-01' },
      ]),
    );
    // Queued before the termination, never sent after it.
    expect((await deliveriesOf(closing.tenant)).map((row) => [row.status, row.withheldReason])).toEqual([
      ['withheld', 'association_terminated'],
      ['withheld', 'association_terminated'],
    ]);
    expect(await bed.subgraph.dispatcher.runOnce()).toBe(0);

    const after = invoiceIssued(closing.tenant);
    const elsewhere = invoiceIssued(other.tenant);
    await openEventStream(store).append([after, elsewhere]);
    // One consumer handles the stream in order: once the other association's event is stored, `after` was handled.
    await eventually(async () => expect(await notificationsOf(other.tenant, elsewhere)).toHaveLength(2));

    expect(await notificationsOf(closing.tenant, after)).toEqual([]);
    expect(await deliveriesOf(closing.tenant)).toHaveLength(2);
    expect(await bed.subgraph.ingest.handle(after)).toMatchObject({ notifications: 0, queued: 0 });
  });
});
