import { randomUUID } from 'node:crypto';
import type { TunetPayload, TunetTopic } from '@tunet/events';
import type { Event } from '@tunet/kit';
import { eq } from 'drizzle-orm';
import { startTestSmtpServer } from '../email/email.fixtures';
import { errorOf, graphqlOf } from '../inbox/inbox.fixtures';
import { openNotificationsTestBed, viewerIn, type NotificationsTestBed } from '../notifications.fixtures';
import { deliveries, notifications } from '../tables';

let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;
let bed: NotificationsTestBed;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  bed = await openNotificationsTestBed({ email: { smtpUrl: smtp.url, from: 'Tunet <varsler@tunet.test>' } });
});

afterAll(async () => {
  await bed.close();
  await smtp.close();
});

/** An event of a topic as its producer writes it. */
function eventOf<T extends TunetTopic>(associationId: string, topic: T, payload: TunetPayload<T>): Event {
  return { eventId: randomUUID(), topic, associationId, occurredAt: new Date('2026-12-01T09:00:00Z'), payload };
}

/** An association with two board members (one reading English), a resident, and the contact e-mail given. */
function association(contactEmail: string | null = `styret-${randomUUID().slice(0, 8)}@solbakken.test`) {
  const tenant = bed.directory.addAssociation({ id: randomUUID(), name: 'Solbakken borettslag' }).id;
  if (contactEmail) bed.directory.contacts.set(tenant, contactEmail);
  const leader = bed.directory.add({ associationId: tenant, board: true });
  const treasurer = bed.directory.add({ associationId: tenant, board: true });
  const resident = bed.directory.add({ associationId: tenant });
  return { tenant, contactEmail, leader, treasurer, resident };
}

const storedOf = (tenant: string, event: Event) =>
  bed.subgraph.db.tenant(tenant, async (tx) => {
    const rows = await tx.select().from(notifications).where(eq(notifications.eventId, event.eventId));
    const sent = await tx.select().from(deliveries).where(eq(deliveries.associationId, tenant));
    return { notifications: rows, deliveries: sent.filter((delivery) => rows.some((row) => row.id === delivery.notificationId)) };
  });

const invoiceIssued = (tenant: string) =>
  eventOf(tenant, 'invoice.issued', {
    invoiceId: randomUUID(),
    feature: 'sms',
    amountOre: 49_900,
    issuedOn: '2026-12-01',
    dueOn: '2026-12-15',
    periodStart: '2026-12-01',
    periodEnd: '2027-01-01',
  });

/** Every billing, terms and agreement topic with a payload its contract accepts. */
function everyTopic(tenant: string): Event[] {
  const [feature, subscriptionId, invoiceId] = ['operationsCenter', randomUUID(), randomUUID()];
  return [
    eventOf(tenant, 'feature.enabled', { feature, subscriptionId, status: 'trial', trialEndsOn: '2027-01-01' }),
    eventOf(tenant, 'feature.disabled', { feature, subscriptionId, reason: 'cancelled' }),
    eventOf(tenant, 'feature.past_due', { feature, subscriptionId, invoiceId, dueOn: '2026-12-15', blocksOn: '2026-12-29' }),
    eventOf(tenant, 'feature.blocked', { feature, subscriptionId, invoiceId }),
    invoiceIssued(tenant),
    eventOf(tenant, 'invoice.paid', { invoiceId, feature, amountOre: 150_000, paidAt: '2026-12-02T10:00:00.000Z' }),
    eventOf(tenant, 'feature.withdrawal_announced', { feature, withdrawalId: randomUUID(), endsOn: '2027-04-01', announcedAt: '2026-12-01T09:00:00.000Z' }),
    eventOf(tenant, 'terms.version_announced', { version: '2027-01', effectiveOn: '2027-01-15', summaryUrl: 'https://tunet.test/vilkar/2027-01' }),
    eventOf(tenant, 'association.termination_filed', {
      terminationId: randomUUID(),
      initiatedBy: 'board',
      effectiveOn: '2027-03-01',
      reason: null,
      timeZone: 'Europe/Oslo',
    }),
    eventOf(tenant, 'association.termination_withdrawn', {
      terminationId: randomUUID(),
      initiatedBy: 'board',
      effectiveOn: '2027-03-01',
      timeZone: 'Europe/Oslo',
    }),
    eventOf(tenant, 'association.breach_noticed', {
      breachNoticeId: randomUUID(),
      description: 'Reklame for pyramidespill',
      remedyBy: '2026-12-08',
      timeZone: 'Europe/Oslo',
    }),
    eventOf(tenant, 'association.blocked', {
      ground: 'unremedied_breach',
      reason: 'Reklamen ble ikke fjernet',
      blockedAt: '2026-12-09T08:00:00.000Z',
      terminationId: randomUUID(),
      effectiveOn: '2026-12-16',
      timeZone: 'Europe/Oslo',
    }),
    eventOf(tenant, 'association.unblocked', { unblockedAt: '2026-12-10T08:00:00.000Z' }),
  ];
}

describe('billing events', () => {
  it('tell each board member once and the contact e-mail once, in their language, however often the event comes', async () => {
    const { tenant, contactEmail, leader, treasurer } = association();
    await bed.subgraph.preferencesRepository.change(tenant, treasurer.memberId, [], { locale: 'en' }, 'app', () => {});
    const event = invoiceIssued(tenant);

    await bed.subgraph.ingest.handle(event);
    await bed.subgraph.ingest.handle(event);
    while ((await bed.subgraph.dispatcher.runOnce()) > 0);
    await bed.subgraph.ingest.handle(event);
    await bed.subgraph.dispatcher.runOnce();

    const stored = await storedOf(tenant, event);
    expect(stored.notifications.map((row) => row.recipient).sort()).toEqual(
      [`member:${leader.memberId}`, `member:${treasurer.memberId}`, `email:${contactEmail}`].sort(),
    );
    expect(stored.notifications.every((row) => row.category === 'billing')).toBe(true);
    const byRecipient = new Map(stored.notifications.map((row) => [row.memberId ?? row.recipient, row]));
    expect(byRecipient.get(leader.memberId)).toMatchObject({
      locale: 'nb',
      title: 'Ny faktura: SMS-varsling, 499,00\u00a0kr',
      link: `/settings/subscription/invoices/${event.payload.invoiceId as string}`,
      shown: true,
    });
    expect(byRecipient.get(leader.memberId)!.body).toContain('perioden 1. desember–31. desember');
    expect(byRecipient.get(treasurer.memberId)).toMatchObject({ locale: 'en', title: 'New invoice: SMS notifications, NOK\u00a0499.00' });
    // The contact address is no member: no inbox row, one e-mail recorded as a delivery.
    expect(byRecipient.get(`email:${contactEmail}`)).toMatchObject({ memberId: null, shown: false });
    const contactDeliveries = stored.deliveries.filter((delivery) => delivery.address === contactEmail);
    expect(contactDeliveries).toMatchObject([{ channel: 'email', status: 'sent' }]);
    const toContact = smtp.received.filter((mail) => mail.recipients.includes(contactEmail!));
    expect(toContact).toHaveLength(1);
    expect(toContact[0]!.parsed.subject).toBe('Ny faktura: SMS-varsling, 499,00\u00a0kr');
    expect(smtp.received.filter((mail) => mail.recipients.includes(leader.email!))).toHaveLength(1);
  });

  it('turns every billing, terms and agreement topic into a billing notification for the board and the contact e-mail', async () => {
    const { tenant, resident } = association();
    for (const event of everyTopic(tenant)) {
      const result = await bed.subgraph.ingest.handle(event);

      expect([event.topic, result.notifications]).toEqual([event.topic, 3]);
      const stored = await storedOf(tenant, event);
      expect(stored.notifications.every((row) => row.category === 'billing' && row.memberId !== resident.memberId)).toBe(true);
    }
  });

  it('tells only the board when the association has no contact e-mail', async () => {
    const { tenant } = association(null);
    const event = invoiceIssued(tenant);

    expect(await bed.subgraph.ingest.handle(event)).toMatchObject({ recipients: 2, notifications: 2 });
    expect((await storedOf(tenant, event)).notifications.every((row) => row.memberId !== null)).toBe(true);
  });
});

// Not billing, but a board-only topic like them: on this file's association, so no other database is opened.
describe('a reported service request', () => {
  const reported = (tenant: string, reporterMemberId: string, urgency: 'normal' | 'urgent') =>
    eventOf(tenant, 'service_request.reported', {
      requestId: randomUUID(),
      reporterMemberId,
      title: 'Lekker under vasken',
      category: 'plumbing',
      urgency,
      locationKind: 'unit',
    });

  it('reaches the board, urgent as important, and neither the reporter nor the residents', async () => {
    const { tenant, leader, treasurer, resident } = association();
    const urgent = reported(tenant, resident.memberId, 'urgent');
    await bed.subgraph.ingest.handle(urgent);
    const told = (await storedOf(tenant, urgent)).notifications;
    expect(told.map((row) => row.memberId).sort()).toEqual([leader.memberId, treasurer.memberId].sort());
    expect(told.every((row) => row.important && row.category === 'service_requests' && row.title === 'Haster: Ny feilmelding: Lekker under vasken')).toBe(true);

    const byTheBoard = reported(tenant, leader.memberId, 'normal');
    await bed.subgraph.ingest.handle(byTheBoard);
    expect((await storedOf(tenant, byTheBoard)).notifications).toMatchObject([{ memberId: treasurer.memberId, important: false }]);
  });
});

describe('the billing category', () => {
  const execute = () => graphqlOf(bed);
  const READ = `{ notificationPreferences { categories { category optional channels { channel enabled changeable } } } }`;
  const UPDATE = `mutation($input: UpdateNotificationPreferencesInput!) {
    updateNotificationPreferences(input: $input) { preferences { categories { category channels { channel enabled } } } } }`;

  it('cannot be turned off by the board, only moved to another channel', async () => {
    const { tenant, leader } = association(null);
    const board = { ...viewerIn(tenant, 'board'), memberId: leader.memberId };
    const run = execute();

    const read = await run<{ notificationPreferences: { categories: { category: string; optional: boolean }[] } }>(board, READ);
    expect(read.data!.notificationPreferences.categories.find((category) => category.category === 'BILLING')).toMatchObject({ optional: false });
    for (const channels of [[{ category: 'BILLING', channel: 'IN_APP', enabled: false }], [{ category: 'BILLING', channel: 'EMAIL', enabled: false }]]) {
      expect(errorOf(await run(board, UPDATE, { input: { channels } }))).toEqual({ code: 'BAD_USER_INPUT', field: 'channels' });
    }
    const moved = await run(board, UPDATE, {
      input: {
        channels: [
          { category: 'BILLING', channel: 'PUSH', enabled: true },
          { category: 'BILLING', channel: 'EMAIL', enabled: false },
        ],
      },
    });
    expect(moved.errors).toBeUndefined();
    const after = (
      await run<{ notificationPreferences: { categories: { category: string; channels: { channel: string; enabled: boolean }[] }[] } }>(board, READ)
    ).data!.notificationPreferences.categories.find((category) => category.category === 'BILLING')!;
    expect(Object.fromEntries(after.channels.map(({ channel, enabled }) => [channel, enabled]))).toEqual({
      IN_APP: true,
      EMAIL: false,
      PUSH: true,
      SMS: false,
    });
  });

  it('is not shown to residents, who never get billing messages', async () => {
    const { tenant } = association(null);
    const read = await execute()<{ notificationPreferences: { categories: { category: string }[] } }>(viewerIn(tenant, 'resident'), READ);

    expect(read.data!.notificationPreferences.categories.map((category) => category.category)).not.toContain('BILLING');
  });
});
