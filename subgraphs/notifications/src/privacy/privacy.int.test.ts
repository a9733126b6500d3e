import { randomUUID } from 'node:crypto';
import type { TunetPayload, TunetTopic } from '@tunet/events';
import {
  PRIVACY_ERASE_ASSOCIATION_ROUTE,
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_ASSOCIATION_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  type ContentKind,
  type Event,
  type PrivacyEraseAnswer,
  type PrivacyExportAnswer,
  type PrivacyStates,
  type RequestContext,
} from '@tunet/kit';
import { eq, sql } from 'drizzle-orm';
import { ClosuresRepository } from '../closures/closures.repository';
import { UnsubscribeService, UnsubscribeTokens } from '../email/unsubscribe';
import { membersEvent } from '../ingest/ingest.fixtures';
import { openNotificationsTestBed, type NotificationsTestBed } from '../notifications.fixtures';
import { RESTRICTED } from '../dispatch/dispatcher';
import { deliveries, notifications } from '../tables';
import { PERSONAL_DATA } from './personal-data';

/** One test bed for notifications' privacy: the routes, the privacy events and restriction. */
let bed: NotificationsTestBed;
/** Privacy's answers: members restricted per association; privacy is down for the associations in `unreachable`. */
const restricted = new Map<string, Record<string, string>>();
/** Consents per association, as privacy answers them. */
const consented = new Map<string, PrivacyStates['consents']>();
const unreachable = new Set<string>();

beforeAll(async () => {
  bed = await openNotificationsTestBed(
    {},
    {
      privacyStates: async (associationId): Promise<PrivacyStates> => {
        if (unreachable.has(associationId)) throw new Error('privacy answered HTTP 503');
        return { associationId, restricted: restricted.get(associationId) ?? {}, consents: consented.get(associationId) ?? {} };
      },
    },
  );
});

afterAll(() => bed.close());

describe("notifications' privacy routes", () => {
  const fromProcess: RequestContext = { viewer: null, requestId: 'test', clientIp: '' };
  const ask = <T>(route: string, body: unknown) => bed.subgraph.definition.internalRoutes![route]!(body, fromProcess) as Promise<T>;
  const exportOf = (associationId: string, memberId: string) =>
    ask<PrivacyExportAnswer>(PRIVACY_EXPORT_ROUTE, { kind: 'privacy.export', requestId: randomUUID(), associationId, memberId });
  const erase = (associationId: string, memberId: string, keepContent: ContentKind[] = [], tombstoneMemberId = randomUUID()) =>
    ask<PrivacyEraseAnswer>(PRIVACY_ERASE_ROUTE, {
      kind: 'privacy.erase',
      requestId: randomUUID(),
      associationId,
      memberId,
      policy: { keepContent, tombstoneMemberId, reason: 'request' },
    });
  const rowsIn = (receipt: PrivacyEraseAnswer['receipt']) => Object.fromEntries(receipt.map((entry) => [entry.table, `${entry.action} ${entry.rows}`]));
  const catalogue = Object.keys(PERSONAL_DATA).sort();
  const tokens = new UnsubscribeTokens('notifications-test-secret-notifications-test-secret');

  /** Counts of the person's rows in every table, straight from the database. */
  const left = (associationId: string, memberId: string) =>
    bed.subgraph.db.system(async (tx) => {
      const result = await tx.execute(sql`
        select (select count(*) from notifications.notifications where association_id = ${associationId} and (member_id = ${memberId} or recipient = ${`email:${memberId.slice(0, 8)}@old.test`}))::int as notifications,
               (select count(*) from notifications.deliveries where association_id = ${associationId} and address like ${`${memberId.slice(0, 8)}@%`})::int as deliveries,
               (select count(*) from notifications.push_devices where association_id = ${associationId} and member_id = ${memberId})::int as push_devices,
               (select count(*) from notifications.preferences where association_id = ${associationId} and member_id = ${memberId})::int as preferences`);
      return (result as { rows: Record<string, number>[] }).rows[0];
    });

  /**
   * A person with something in every table: a sent e-mail with two attempts and a queued push, an earlier e-mail to
   * their old address and a message to that address alone (the address change, no member on it), settings, a
   * choice and its log, a web push device.
   */
  async function seedPerson(associationId: string, memberId = randomUUID()): Promise<string> {
    const [inbox, earlier, toAddress, sent] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const email = `${memberId.slice(0, 8)}@beboer.test`;
    const oldEmail = `${memberId.slice(0, 8)}@old.test`;
    await bed.subgraph.db.system(async (tx) => {
      await tx.execute(sql`insert into notifications.notifications (association_id, id, event_id, recipient, member_id, topic, category, locale, title, body)
        values (${associationId}, ${inbox}, ${randomUUID()}, ${`member:${memberId}`}, ${memberId}, 'comment.created', 'comments', 'nb', 'Ny kommentar', 'Kari svarte deg'),
               (${associationId}, ${earlier}, ${randomUUID()}, ${`member:${memberId}`}, ${memberId}, 'member.joined', 'account', 'nb', 'Velkommen', 'Velkommen'),
               (${associationId}, ${toAddress}, ${randomUUID()}, ${`email:${oldEmail}`}, null, 'account.email_change_requested', 'account', 'nb', 'E-post endres', 'Adressen endres')`);
      await tx.execute(sql`insert into notifications.deliveries (association_id, id, notification_id, channel, address, status)
        values (${associationId}, ${sent}, ${inbox}, 'email', ${email}, 'sent'),
               (${associationId}, ${randomUUID()}, ${inbox}, 'push', null, 'queued'),
               (${associationId}, ${randomUUID()}, ${earlier}, 'email', ${oldEmail}, 'sent'),
               (${associationId}, ${randomUUID()}, ${toAddress}, 'email', ${oldEmail}, 'sent')`);
      await tx.execute(sql`insert into notifications.delivery_attempts (association_id, delivery_id, attempt, outcome, detail)
        values (${associationId}, ${sent}, 1, 'retry', ${`450 mailbox of ${email} busy`}), (${associationId}, ${sent}, 2, 'sent', null)`);
      await tx.execute(sql`insert into notifications.person_settings (association_id, member_id, quiet_hours_start, quiet_hours_end)
        values (${associationId}, ${memberId}, '22:00', '07:00')`);
      await tx.execute(sql`insert into notifications.preferences (association_id, member_id, category, channel, enabled)
        values (${associationId}, ${memberId}, 'news', 'email', false)`);
      await tx.execute(sql`insert into notifications.preference_log (association_id, id, member_id, via, change)
        values (${associationId}, ${randomUUID()}, ${memberId}, 'app', '{"news:email": false}')`);
      await tx.execute(sql`insert into notifications.push_devices (association_id, id, member_id, kind, address, p256dh, auth, device_name)
        values (${associationId}, ${randomUUID()}, ${memberId}, 'web', ${`https://push.example.net/send/secret-endpoint-${memberId}`}, 'p256dh-key', 'auth-secret', 'Firefox')`);
    });
    return memberId;
  }

  it("exports every table's rows about the person, push devices without their address or keys, and nothing of another association", async () => {
    const associationId = randomUUID();
    const kari = await seedPerson(associationId);
    await seedPerson(associationId); // a neighbour

    const answer = await exportOf(associationId, kari);

    expect(answer.receipt.map((entry) => entry.table).sort()).toEqual(catalogue);
    expect(rowsIn(answer.receipt)).toEqual({
      notifications: 'exported 3',
      deliveries: 'exported 4',
      delivery_attempts: 'exported 2',
      person_settings: 'exported 1',
      preferences: 'exported 1',
      preference_log: 'exported 1',
      push_devices: 'exported 1',
    });
    expect(answer.tables.push_devices).toEqual([expect.objectContaining({ kind: 'web', device_name: 'Firefox', push_service: 'push.example.net' })]);
    const text = JSON.stringify(answer);
    for (const secret of ['secret-endpoint', 'p256dh-key', 'auth-secret']) expect(text).not.toContain(secret);

    const elsewhere = await exportOf(randomUUID(), kari);
    expect(elsewhere.receipt.every((entry) => entry.rows === 0)).toBe(true);
  });

  it('erases everything about the person at once, queued deliveries and push devices too, and a second erase changes nothing', async () => {
    const associationId = randomUUID();
    const kari = await seedPerson(associationId);
    const neighbour = await seedPerson(associationId);
    const toContact = randomUUID();
    await bed.subgraph.db.system((tx) =>
      tx.execute(sql`insert into notifications.notifications (association_id, id, event_id, recipient, member_id, topic, category, locale, title, body)
        values (${associationId}, ${toContact}, ${randomUUID()}, ${`email:${kari.slice(0, 8)}@beboer.test`}, null, 'breach.notified', 'privacy', 'nb', 'Brudd', 'Et brudd')`),
    );
    const link = tokens.tokenFor({ associationId, memberId: kari, categories: ['news'], locale: 'nb' });
    const unsubscribe = new UnsubscribeService(tokens, bed.subgraph.preferencesRepository, 'https://app.tunet.test');
    const context = { viewer: null, requestId: 'test', clientIp: '127.0.0.1' };
    expect((await unsubscribe.page({ path: `/${link}`, query: {}, context })).status).toBe(200);

    const first = await erase(associationId, kari);

    expect(first.receipt.map((entry) => entry.table).sort()).toEqual(catalogue);
    expect(rowsIn(first.receipt)).toEqual({
      notifications: 'erased 3',
      deliveries: 'erased 4',
      delivery_attempts: 'erased 2',
      person_settings: 'erased 1',
      preferences: 'erased 1',
      preference_log: 'erased 1',
      push_devices: 'erased 1',
    });
    expect(await left(associationId, kari)).toEqual({ notifications: 0, deliveries: 0, push_devices: 0, preferences: 0 });
    // The association's contact address, which Kari's address also is, keeps its own messages.
    expect(await bed.subgraph.db.tenant(associationId, (tx) => tx.select().from(notifications).where(eq(notifications.id, toContact)))).toHaveLength(1);
    expect(await left(associationId, neighbour)).toEqual({ notifications: 3, deliveries: 3, push_devices: 1, preferences: 1 });
    const second = await erase(associationId, kari);
    expect(second.receipt.every((entry) => entry.rows === 0 && entry.action === 'erased')).toBe(true);

    // The stateless link no longer writes choices under the erased person's id.
    expect((await unsubscribe.page({ path: `/${link}`, query: {}, context })).status).toBe(404);
    const posted = await unsubscribe.submit({
      path: `/${link}`,
      query: {},
      context,
      body: 'List-Unsubscribe=One-Click',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(posted.status).toBe(404);
    expect(await left(associationId, kari)).toMatchObject({ preferences: 0 });
  });

  it("deletes other residents' notices of the erased author's post and comment, unless the association keeps that kind (then they name the tombstone)", async () => {
    const noticesOf = async (tenant: string, event: Event) =>
      bed.subgraph.db.tenant(tenant, (tx) =>
        tx.select({ author: notifications.contentAuthorId }).from(notifications).where(eq(notifications.eventId, event.eventId)),
      );
    const published = (tenant: string, author: string) =>
      eventOf(tenant, 'post.published', {
        postId: randomUUID(),
        kind: 'news',
        title: 'Dugnad på lørdag',
        excerpt: 'Kari Nordmann i 3B tar med kaffe',
        audience: { kind: 'association', id: null },
        important: false,
        authorMemberId: author,
        publishedAt: '2026-12-01T09:00:00.000Z',
      });
    const commented = (tenant: string, author: string, to: string) =>
      eventOf(tenant, 'comment.created', { postId: randomUUID(), commentId: randomUUID(), authorMemberId: author, recipients: [to] });

    const a = association();
    const [postA, commentA] = [published(a.tenant, a.kari), commented(a.tenant, a.kari, a.ola)];
    expect(await reached(a.tenant, postA)).toHaveLength(3);
    expect(await reached(a.tenant, commentA)).toEqual([`comments member:${a.ola}`]);
    const first = await erase(a.tenant, a.kari);
    expect(rowsIn(first.receipt)).toMatchObject({ notifications: 'erased 4' });
    expect(await noticesOf(a.tenant, postA)).toEqual([]);
    expect(await noticesOf(a.tenant, commentA)).toEqual([]);

    const b = association();
    const tombstone = randomUUID();
    const [postB, commentB] = [published(b.tenant, b.kari), commented(b.tenant, b.kari, b.ola)];
    await reached(b.tenant, postB);
    await reached(b.tenant, commentB);
    await erase(b.tenant, b.kari, ['posts'], tombstone);
    expect(await noticesOf(b.tenant, postB)).toEqual([{ author: tombstone }, { author: tombstone }, { author: tombstone }]);
    expect(await noticesOf(b.tenant, commentB)).toEqual([]);
    expect((await erase(b.tenant, b.kari, ['posts'], tombstone)).receipt.every((entry) => entry.rows === 0)).toBe(true);
  });

  it('stores nothing new about an erased person: an event in flight naming them, a push device, a preference change', async () => {
    const a = association();
    await erase(a.tenant, a.kari);

    expect(await reached(a.tenant, membersEvent(a.tenant, [a.kari, a.ola]))).toEqual([`comments member:${a.ola}`]);
    const device = { kind: 'fcm', address: `fcm-token-${a.kari}`, p256dh: null, auth: null, deviceName: 'Pixel' } as const;
    await expect(bed.subgraph.devicesRepository.register(a.tenant, a.kari, device, { perMember: 10 })).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    const change = [{ category: 'news', channel: 'email', enabled: false }] as const;
    await expect(bed.subgraph.preferencesRepository.change(a.tenant, a.kari, change, {}, 'app', () => {})).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    expect(await left(a.tenant, a.kari)).toEqual({ notifications: 0, deliveries: 0, push_devices: 0, preferences: 0 });
    // Ola, who was not erased, still registers.
    await bed.subgraph.devicesRepository.register(a.tenant, a.ola, { ...device, address: `fcm-token-${a.ola}` }, { perMember: 10 });
  });

  it("exports and erases a whole association's rows, and only its own", async () => {
    const associationId = randomUUID();
    const other = randomUUID();
    await seedPerson(associationId);
    await seedPerson(associationId);
    const elsewhere = await seedPerson(other);

    const exported = await ask<PrivacyExportAnswer>(PRIVACY_EXPORT_ASSOCIATION_ROUTE, {
      kind: 'privacy.export-association',
      requestId: randomUUID(),
      associationId,
    });
    expect(rowsIn(exported.receipt)).toMatchObject({ notifications: 'exported 6', deliveries: 'exported 8', push_devices: 'exported 2' });
    expect(JSON.stringify(exported)).not.toContain('secret-endpoint');
    // A live association is not erased whole: only once its agreement has ended.
    await expect(ask(PRIVACY_ERASE_ASSOCIATION_ROUTE, { kind: 'privacy.erase-association', requestId: randomUUID(), associationId })).rejects.toMatchObject({
      status: 409,
    });
    await new ClosuresRepository(bed.subgraph.db).close(associationId, { terminationId: randomUUID(), terminatedOn: '2026-11-30' });
    // A body of the other association route is refused.
    await expect(ask(PRIVACY_EXPORT_ASSOCIATION_ROUTE, { kind: 'privacy.erase-association', requestId: randomUUID(), associationId })).rejects.toThrow();

    const erased = await ask<PrivacyEraseAnswer>(PRIVACY_ERASE_ASSOCIATION_ROUTE, {
      kind: 'privacy.erase-association',
      requestId: randomUUID(),
      associationId,
    });
    expect(rowsIn(erased.receipt)).toMatchObject({
      notifications: 'erased 6',
      deliveries: 'erased 8',
      delivery_attempts: 'erased 4',
      push_devices: 'erased 2',
    });
    const again = await ask<PrivacyEraseAnswer>(PRIVACY_ERASE_ASSOCIATION_ROUTE, { kind: 'privacy.erase-association', requestId: randomUUID(), associationId });
    expect(again.receipt.every((entry) => entry.rows === 0)).toBe(true);
    expect(await left(other, elsewhere)).toEqual({ notifications: 3, deliveries: 3, push_devices: 1, preferences: 1 });
  });
});

function eventOf<T extends TunetTopic>(associationId: string, topic: T, payload: TunetPayload<T>): Event {
  return { eventId: randomUUID(), topic, associationId, occurredAt: new Date('2026-12-01T09:00:00Z'), payload };
}

/** An association with two board members, two residents and a contact e-mail. */
function association() {
  const tenant = bed.directory.addAssociation({ id: randomUUID(), name: 'Solbakken borettslag' }).id;
  const contact = `styret-${tenant.slice(0, 8)}@solbakken.test`;
  bed.directory.contacts.set(tenant, contact);
  const [leader, treasurer] = [bed.directory.add({ associationId: tenant, board: true }), bed.directory.add({ associationId: tenant, board: true })];
  const [kari, ola] = [bed.directory.add({ associationId: tenant }), bed.directory.add({ associationId: tenant })];
  return { tenant, contact, leader: leader.memberId, treasurer: treasurer.memberId, kari: kari.memberId, ola: ola.memberId };
}

/** Who the event reached, as `<category> <recipient>`, sorted. */
async function reached(tenant: string, event: Event): Promise<string[]> {
  await bed.subgraph.ingest.handle(event);
  const rows = await bed.subgraph.db.tenant(tenant, (tx) => tx.select().from(notifications).where(eq(notifications.eventId, event.eventId)));
  return rows.map((row) => `${row.category} ${row.recipient}`).sort();
}

const member = (id: string) => `privacy member:${id}`;
const sorted = (...list: string[]) => list.sort();

describe('privacy notifications', () => {
  it('tell the person, whoever asked for them, every member of a material notice, and the board and contact of the rest', async () => {
    const a = association();
    const board = [member(a.leader), member(a.treasurer), `privacy email:${a.contact}`];
    const requestId = randomUUID();
    const breachId = randomUUID();
    const at = '2026-12-01T08:00:00.000Z';

    // The board member who asked gets no "download" message: the link is the person's alone (decision 0037).
    expect(await reached(a.tenant, eventOf(a.tenant, 'privacy.export_ready', { requestId, memberId: a.kari, requestedBy: a.leader, expiresAt: at }))).toEqual([
      member(a.kari),
    ]);
    expect(
      await reached(
        a.tenant,
        eventOf(a.tenant, 'privacy.request_extended', { requestId, memberId: a.kari, kind: 'export', deadline: '2027-02-01', reason: 'Mange filer' }),
      ),
    ).toEqual([member(a.kari)]);
    expect(
      await reached(a.tenant, eventOf(a.tenant, 'privacy.request_completed', { requestId, memberId: a.kari, requestedBy: a.kari, kind: 'export' })),
    ).toEqual([member(a.kari)]);
    const notice = { noticeId: randomUUID(), version: 3, lastChangedOn: '2026-12-01' };
    expect(await reached(a.tenant, eventOf(a.tenant, 'privacy.notice_published', { ...notice, material: true }))).toEqual(
      sorted(member(a.leader), member(a.treasurer), member(a.kari), member(a.ola)),
    );
    expect(await reached(a.tenant, eventOf(a.tenant, 'privacy.notice_published', { ...notice, material: false }))).toEqual([]);
    const change = { changeId: randomUUID(), subprocessor: 'Apple APNs', change: 'added', effectiveOn: '2027-01-01', objectionDeadline: '2026-12-08' } as const;
    expect(await reached(a.tenant, eventOf(a.tenant, 'subprocessor.change_announced', { ...change, emergency: false, reason: null }))).toEqual(
      sorted(...board),
    );
    const breach = {
      breachId,
      suspectedAt: at,
      notifiedAt: at,
      authorityDeadline: '2026-12-04T08:00:00.000Z',
      dataCategories: ['e-post'],
      description: 'Feilsendt e-post',
    };
    expect(await reached(a.tenant, eventOf(a.tenant, 'breach.notified', breach))).toEqual(sorted(...board));
    expect(await reached(a.tenant, eventOf(a.tenant, 'breach.clock_overdue', { breachId, clock: 'notify_authority', dueAt: at }))).toEqual(sorted(...board));
    expect(await reached(a.tenant, eventOf(a.tenant, 'breach.clock_overdue', { breachId, clock: 'notify_association', dueAt: at }))).toEqual(sorted(...board));
  });

  it("still tell a terminated association's board that its export is ready, and nothing else", async () => {
    const a = association();
    await new ClosuresRepository(bed.subgraph.db).close(a.tenant, { terminationId: randomUUID(), terminatedOn: '2026-11-30' });

    const ready = eventOf(a.tenant, 'association.export_ready', { exportId: randomUUID(), expiresAt: '2027-03-01T08:00:00.000Z' });
    expect(await reached(a.tenant, ready)).toEqual(sorted(member(a.leader), member(a.treasurer), `privacy email:${a.contact}`));
    const notice = eventOf(a.tenant, 'privacy.notice_published', { noticeId: randomUUID(), version: 4, material: true, lastChangedOn: '2026-12-01' });
    expect(await reached(a.tenant, notice)).toEqual([]);
  });

  it('reach a person whose processing is restricted only with what must reach them', async () => {
    const a = association();
    restricted.set(a.tenant, { [a.kari]: '2026-11-01T10:00:00.000Z' });

    expect(await reached(a.tenant, membersEvent(a.tenant, [a.kari, a.ola]))).toEqual([`comments member:${a.ola}`]);
    const extended = { requestId: randomUUID(), memberId: a.kari, kind: 'restriction', deadline: '2027-02-01', reason: 'Saken må avklares' } as const;
    expect(await reached(a.tenant, eventOf(a.tenant, 'privacy.request_extended', extended))).toEqual([member(a.kari)]);
    // the board setting or lifting her restriction reaches her, and her only, even while restricted (art. 18(3))
    for (const action of ['set', 'lifted'] as const) {
      const changed = eventOf(a.tenant, 'privacy.restriction_changed', { memberId: a.kari, action, actor: 'board', reason: 'Riktigheten er bestridt' });
      expect(await reached(a.tenant, changed)).toEqual([member(a.kari)]);
    }
  });

  it('send optional news beyond the inbox only to who consented to newsletters', async () => {
    const a = association();
    consented.set(a.tenant, { [a.ola]: ['newsletters'] });
    const emailNews = [{ category: 'news', channel: 'email', enabled: true }] as const;
    for (const id of [a.kari, a.ola]) await bed.subgraph.preferencesRepository.change(a.tenant, id, emailNews, {}, 'app', () => {});
    const post = eventOf(a.tenant, 'post.published', {
      postId: randomUUID(),
      kind: 'news',
      title: 'Sommerfest',
      excerpt: 'Velkommen',
      audience: { kind: 'association', id: null },
      important: false,
      authorMemberId: a.leader,
      publishedAt: '2026-12-01T09:00:00.000Z',
    });
    await bed.subgraph.ingest.handle(post);
    const sent = await bed.subgraph.db.tenant(a.tenant, (tx) =>
      tx
        .select({ member: notifications.memberId, shown: notifications.shown, channel: deliveries.channel })
        .from(notifications)
        .leftJoin(deliveries, eq(deliveries.notificationId, notifications.id))
        .where(eq(notifications.eventId, post.eventId)),
    );
    expect(sent.filter((row) => row.member === a.ola).map((row) => row.channel)).toEqual(['email']);
    expect(sent.filter((row) => row.member === a.kari)).toEqual([{ member: a.kari, shown: true, channel: null }]);

    // A resident's bulletin is no newsletter: it follows Kari's channel choices without the consent.
    const bulletin = eventOf(a.tenant, 'post.published', {
      postId: randomUUID(),
      kind: 'bulletin',
      title: 'Sykkel til salgs',
      excerpt: 'Godt brukt',
      audience: { kind: 'association', id: null },
      important: false,
      authorMemberId: a.ola,
      publishedAt: '2026-12-01T10:00:00.000Z',
    });
    await bed.subgraph.ingest.handle(bulletin);
    const bulletinSent = await bed.subgraph.db.tenant(a.tenant, (tx) =>
      tx
        .select({ member: notifications.memberId, channel: deliveries.channel })
        .from(notifications)
        .leftJoin(deliveries, eq(deliveries.notificationId, notifications.id))
        .where(eq(notifications.eventId, bulletin.eventId)),
    );
    expect(bulletinSent.filter((row) => row.member === a.kari).map((row) => row.channel)).toEqual(['email']);
  });

  it('do not send what was queued for a person before their processing was restricted', async () => {
    const a = association();
    // Queued before the restriction (quiet hours, a retry): optional news, and a privacy message that must go.
    const [news, notice] = [randomUUID(), randomUUID()];
    await bed.subgraph.db.system(async (tx) => {
      await tx.execute(sql`insert into notifications.notifications (association_id, id, event_id, recipient, member_id, topic, category, locale, title, body)
        values (${a.tenant}, ${news}, ${randomUUID()}, ${`member:${a.kari}`}, ${a.kari}, 'post.published', 'news', 'nb', 'Dugnad', 'Lørdag'),
               (${a.tenant}, ${notice}, ${randomUUID()}, ${`member:${a.kari}`}, ${a.kari}, 'privacy.notice_published', 'privacy', 'nb', 'Personvern', 'Endret')`);
      await tx.execute(sql`insert into notifications.deliveries (association_id, id, notification_id, channel, address, status)
        values (${a.tenant}, ${randomUUID()}, ${news}, 'email', 'kari@beboer.test', 'queued'),
               (${a.tenant}, ${randomUUID()}, ${notice}, 'email', 'kari@beboer.test', 'queued')`);
    });
    restricted.set(a.tenant, { [a.kari]: '2026-12-01T10:00:00.000Z' });
    await bed.subgraph.dispatcher.runOnce();

    const outcomes = await bed.subgraph.db.tenant(a.tenant, (tx) =>
      tx.select({ id: deliveries.notificationId, status: deliveries.status, error: deliveries.lastError }).from(deliveries),
    );
    expect(outcomes.find((row) => row.id === news)).toMatchObject({ status: 'failed', error: RESTRICTED });
    expect(outcomes.find((row) => row.id === notice)?.error).not.toBe(RESTRICTED);
  });

  it('hold optional messages back while privacy cannot say who is restricted, and still send those that must go', async () => {
    const a = association();
    unreachable.add(a.tenant);

    await expect(bed.subgraph.ingest.handle(membersEvent(a.tenant, [a.kari]))).rejects.toThrow(/privacy/);
    const extended = { requestId: randomUUID(), memberId: a.kari, kind: 'export', deadline: '2027-02-01', reason: 'Mange filer' } as const;
    expect(await reached(a.tenant, eventOf(a.tenant, 'privacy.request_extended', extended))).toEqual([member(a.kari)]);
  });
});
