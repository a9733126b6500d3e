import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { DeliveryRepository } from '../dispatch/delivery.repository';
import { Dispatcher } from '../dispatch/dispatcher';
import { acceptingSenders } from '../dispatch/delivery.fixtures';
import { errorOf, graphqlOf } from '../inbox/inbox.fixtures';
import { ingestOn, intentFor } from '../ingest/ingest.fixtures';
import { openNotificationsTestBed, viewerIn, type NotificationsTestBed } from '../notifications.fixtures';
import { startLoopbackServer } from '../push/push.fixtures';
import { deliveries, notifications, type DeliveryRow } from '../tables';
import { SmsChannel } from './sms.channel';
import { SmsGate } from './sms-gate';
import { SmsQuotaRepository } from './sms-quota.repository';
import { createSmsProvider } from './sms.provider';

let gateway: Awaited<ReturnType<typeof startLoopbackServer>>;
let bed: NotificationsTestBed;
/** The dispatcher's clock, which decides the month an SMS counts against. */
let clock = new Date('2027-01-15T12:00:00Z');

beforeAll(async () => {
  gateway = await startLoopbackServer(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: randomUUID() }) }));
  bed = await openNotificationsTestBed(
    { sms: { provider: 'http', url: `${gateway.origin}/sms`, token: 'gateway-token', from: 'Tunet' } },
    { now: () => clock },
  );
});

afterAll(async () => {
  await bed.close();
  await gateway.close();
});

beforeEach(() => {
  clock = new Date('2027-01-15T12:00:00Z');
});

/** Text messages the SMS gateway received for a phone number. */
const textsTo = (phone: string) => gateway.received.filter((request) => request.body.toString('utf8').includes(phone)).length;

/**
 * An association with one member whose phone is their only outward channel for important notices (e-mail and push
 * off), as they may choose where the association offers SMS.
 */
async function texter() {
  const tenant = bed.directory.addAssociation({ id: randomUUID(), timeZone: 'Europe/Oslo' }).id;
  const phone = `+479${Math.floor(Math.random() * 1e7)
    .toString()
    .padStart(7, '0')}`;
  const member = bed.directory.add({ associationId: tenant, phone });
  await bed.subgraph.preferencesRepository.change(
    tenant,
    member.memberId,
    [
      { category: 'important', channel: 'sms', enabled: true },
      { category: 'important', channel: 'email', enabled: false },
      { category: 'important', channel: 'push', enabled: false },
    ],
    {},
    'app',
    () => {},
  );
  return { tenant, member, phone };
}

/** One important notice to the member, stored as the ingest stores it where e-mail, push and SMS can be sent. */
async function notify(tenant: string, memberId: string): Promise<string> {
  const event = { eventId: randomUUID(), topic: 'post.published', associationId: tenant, occurredAt: new Date(), payload: {} };
  const intent = intentFor({ kind: 'members', memberIds: [memberId] }, { category: 'important', important: true }).intent;
  await ingestOn(bed.subgraph.db, bed.directory, () => [intent], { senders: acceptingSenders(['email', 'push', 'sms']) }).handle(event);
  return event.eventId;
}

/** The deliveries of the notifications of these events, by channel. */
async function deliveriesOf(tenant: string, eventIds: string[]): Promise<Pick<DeliveryRow, 'channel' | 'status' | 'withheldReason' | 'smsMonth'>[][]> {
  return bed.subgraph.db.tenant(tenant, async (tx) => {
    const rows = await tx
      .select({
        eventId: notifications.eventId,
        channel: deliveries.channel,
        status: deliveries.status,
        withheldReason: deliveries.withheldReason,
        smsMonth: deliveries.smsMonth,
      })
      .from(deliveries)
      .innerJoin(notifications, and(eq(notifications.associationId, deliveries.associationId), eq(notifications.id, deliveries.notificationId)))
      .where(and(eq(deliveries.associationId, tenant), inArray(notifications.eventId, eventIds)));
    return eventIds.map((id) =>
      rows
        .filter((row) => row.eventId === id)
        .map(({ channel, status, withheldReason, smsMonth }) => ({ channel, status, withheldReason, smsMonth }))
        .sort((a, b) => a.channel.localeCompare(b.channel)),
    );
  });
}

const dispatchAll = async (dispatcher = bed.subgraph.dispatcher) => {
  while ((await dispatcher.runOnce()) > 0);
};

describe('SMS and the SMS add-on', () => {
  it('sends no SMS without the add-on: the SMS is withheld and the e-mail waiting for it goes instead', async () => {
    const { tenant, member, phone } = await texter();

    const eventId = await notify(tenant, member.memberId);
    await dispatchAll();

    expect(textsTo(phone)).toBe(0);
    expect(await deliveriesOf(tenant, [eventId])).toEqual([
      [
        { channel: 'email', status: 'sent', withheldReason: null, smsMonth: null },
        { channel: 'sms', status: 'withheld', withheldReason: 'sms_not_subscribed', smsMonth: null },
      ],
    ]);
  });

  it('sends the SMS with the add-on, and then drops the e-mail that waited for it', async () => {
    const { tenant, member, phone } = await texter();
    bed.entitlements.grantSms(tenant, 500);

    const eventId = await notify(tenant, member.memberId);
    await dispatchAll();

    expect(textsTo(phone)).toBe(1);
    expect(await deliveriesOf(tenant, [eventId])).toEqual([[{ channel: 'sms', status: 'sent', withheldReason: null, smsMonth: '2027-01-01' }]]);
  });
});

describe('the monthly SMS quota', () => {
  it('withholds the SMS over the quota, sends the message by e-mail instead, and counts afresh the next month in the association’s zone', async () => {
    const { tenant, member, phone } = await texter();
    bed.entitlements.grantSms(tenant, 2);
    // 23:30 on 31 January in Oslo.
    clock = new Date('2027-01-31T22:30:00Z');

    const january = [];
    for (let i = 0; i < 3; i++) january.push(await notify(tenant, member.memberId));
    await dispatchAll();

    expect(textsTo(phone)).toBe(2);
    // Which of the three came last to the quota depends on the order the sends ran in.
    const outcomes = (await deliveriesOf(tenant, january)).map((rows) => JSON.stringify(rows)).sort();
    expect(outcomes.map((rows) => JSON.parse(rows) as unknown)).toEqual([
      [
        { channel: 'email', status: 'sent', withheldReason: null, smsMonth: null },
        { channel: 'sms', status: 'withheld', withheldReason: 'sms_quota_exceeded', smsMonth: null },
      ],
      [{ channel: 'sms', status: 'sent', withheldReason: null, smsMonth: '2027-01-01' }],
      [{ channel: 'sms', status: 'sent', withheldReason: null, smsMonth: '2027-01-01' }],
    ]);

    // 00:30 on 1 February in Oslo, still January in UTC.
    clock = new Date('2027-01-31T23:30:00Z');
    const february = await notify(tenant, member.memberId);
    await dispatchAll();

    expect(textsTo(phone)).toBe(3);
    expect(await deliveriesOf(tenant, [february])).toEqual([[{ channel: 'sms', status: 'sent', withheldReason: null, smsMonth: '2027-02-01' }]]);
  });

  it('lets two dispatchers at once send no more than the quota', async () => {
    const { tenant, member, phone } = await texter();
    bed.entitlements.grantSms(tenant, 5);
    const events = [];
    for (let i = 0; i < 40; i++) events.push(await notify(tenant, member.memberId));
    const sms = new SmsChannel(
      createSmsProvider({ provider: 'http', url: `${gateway.origin}/sms`, token: 'gateway-token', from: 'Tunet' }),
      'https://app.tunet.test',
    );
    const twoDispatchers = [1, 2].map(
      () =>
        new Dispatcher(
          new DeliveryRepository(bed.subgraph.db),
          [sms, ...acceptingSenders(['email'])],
          new SmsGate(bed.entitlements, bed.directory, new SmsQuotaRepository(bed.subgraph.db), () => clock),
          { batchSize: 20, concurrency: 20 },
        ),
    );

    await Promise.all(twoDispatchers.map((dispatcher) => dispatchAll(dispatcher)));

    expect(textsTo(phone)).toBe(5);
    const statuses = (await deliveriesOf(tenant, events)).map((rows) => rows.find((row) => row.channel === 'sms')!.status);
    expect(statuses.filter((status) => status === 'sent')).toHaveLength(5);
    expect(statuses.filter((status) => status === 'withheld')).toHaveLength(35);
  });
});

describe('smsUsage', () => {
  const USAGE = '{ smsUsage { month sent limit } }';

  it('tells the board this month’s sent text messages and the limit, with the add-on only', async () => {
    const { tenant, member } = await texter();
    bed.entitlements.grantSms(tenant, 3);
    clock = new Date('2027-03-10T12:00:00Z');
    for (let i = 0; i < 2; i++) await notify(tenant, member.memberId);
    await dispatchAll();
    const run = graphqlOf(bed);
    const signedSms = { associationId: tenant, features: ['base', 'sms'], limits: { smsPerMonth: 3 } };

    const board = await run(viewerIn(tenant, 'board'), USAGE, {}, signedSms);
    expect(board).toEqual({ data: { smsUsage: { month: '2027-03', sent: 2, limit: 3 } } });
    // Signed by the gateway, but without the add-on: refused here too.
    const unsubscribed = await run(viewerIn(tenant, 'board'), USAGE, {}, { associationId: tenant, features: ['base'], limits: { smsPerMonth: 0 } });
    expect(unsubscribed.errors?.[0]?.extensions).toMatchObject({ code: 'FEATURE_NOT_SUBSCRIBED', feature: 'sms' });
    // Another association's entitlements do not count for this one.
    expect((await run(viewerIn(tenant, 'board'), USAGE, {}, { ...signedSms, associationId: randomUUID() })).errors?.[0]?.extensions).toMatchObject({
      code: 'FEATURE_NOT_SUBSCRIBED',
    });
    expect(errorOf(await run(viewerIn(tenant, 'resident'), USAGE, {}, signedSms))).toEqual({ code: 'FORBIDDEN' });
    expect(errorOf(await run(null, USAGE))).toEqual({ code: 'UNAUTHENTICATED' });
  });
});
