import { randomUUID } from 'node:crypto';
import type { Event } from '@tunet/kit';
import { eq, inArray } from 'drizzle-orm';
import { MAX_DEVICES_PER_MEMBER } from '../devices/devices.service';
import { acceptingSenders } from '../dispatch/delivery.fixtures';
import type { Directory, NotificationIntent } from '../model';
import type { ChannelChange } from '../preferences/preferences.rules';
import type { SettingsPatch } from '../preferences/preferences.repository';
import { deliveries, notifications, type DeliveryRow, type NotificationRow } from '../tables';
import { openNotificationsTestBed, type NotificationsTestBed } from '../notifications.fixtures';
import { eventIn, ingestOn, intentFor, RecordingFeed } from './ingest.fixtures';
import { NO_EMAIL_ADDRESS, NO_PHONE_NUMBER } from './ingest.service';

let bed: NotificationsTestBed;

beforeAll(async () => {
  bed = await openNotificationsTestBed();
});

afterAll(() => bed.close());

/** A fresh association in the directory, so every test has its own people. */
function association(locale: 'nb' | 'en' = 'nb') {
  return bed.directory.addAssociation({ id: randomUUID(), name: 'Solbakken borettslag', locale }).id;
}

/** The ingest with these intents for every event, e-mail and push available unless told otherwise. */
function ingest(intents: NotificationIntent[], extra: Partial<Parameters<typeof ingestOn>[3]> = {}, directory: Directory = bed.directory) {
  return ingestOn(bed.subgraph.db, directory, () => intents, { senders: acceptingSenders(), ...extra });
}

async function storedOf(event: Event): Promise<{ notifications: NotificationRow[]; deliveries: DeliveryRow[] }> {
  return bed.subgraph.db.system(async (tx) => {
    const rows = await tx.select().from(notifications).where(eq(notifications.eventId, event.eventId));
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
    return { notifications: rows, deliveries: sent };
  });
}

/** Each member's channels, e.g. `{ [memberId]: ['email', 'push'] }`, sorted. */
function channelsByMember(stored: { notifications: NotificationRow[]; deliveries: DeliveryRow[] }): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const row of stored.notifications) {
    result[row.memberId ?? row.recipient] = stored.deliveries
      .filter((delivery) => delivery.notificationId === row.id)
      .map((delivery) => delivery.channel)
      .sort();
  }
  return result;
}

const choose = (tenant: string, memberId: string, changes: ChannelChange[], patch: SettingsPatch = {}) =>
  bed.subgraph.preferencesRepository.change(tenant, memberId, changes, patch, 'app', () => {});

const giveDevice = (tenant: string, memberId: string) =>
  bed.subgraph.devicesRepository.register(
    tenant,
    memberId,
    { kind: 'fcm', address: `token-${randomUUID()}`, p256dh: null, auth: null, deviceName: null },
    { perMember: MAX_DEVICES_PER_MEMBER },
  );

describe('ingest', () => {
  it('fans an audience out to its members and the board, minus those left out, each once', async () => {
    const tenant = association();
    const building = randomUUID();
    const [a, b, author] = [1, 2, 3].map(() => bed.directory.add({ associationId: tenant, buildingIds: [building] }));
    const board = bed.directory.add({ associationId: tenant, board: true });
    bed.directory.add({ associationId: tenant, buildingIds: [randomUUID()] });
    await giveDevice(tenant, a!.memberId);
    const { intent } = intentFor({ kind: 'audience', audience: { kind: 'building', id: building } }, { exceptMemberIds: [author!.memberId] });
    const feed = new RecordingFeed();
    let nudges = 0;
    const event = eventIn(tenant);

    const result = await ingest([intent, { ...intent, recipients: { kind: 'board' } }], { feed, onQueued: () => nudges++ }).handle(event);

    // news: inbox and push by default, push only to members with a device
    expect(result).toEqual({ recipients: 3, notifications: 3, queued: 1, held: 0, failed: 0 });
    const stored = await storedOf(event);
    expect(channelsByMember(stored)).toEqual({ [a!.memberId]: ['push'], [b!.memberId]: [], [board.memberId]: [] });
    expect(stored.notifications.every((row) => row.shown && row.recipient === `member:${row.memberId}`)).toBe(true);
    expect(stored.notifications[0]).toMatchObject({ topic: 'post.published', category: 'news', important: false, locale: 'nb', title: 'Nytt innlegg' });
    expect(feed.published.map((update) => update.memberId).sort()).toEqual([a!.memberId, b!.memberId, board.memberId].sort());
    expect(feed.published.every((update) => update.associationId === tenant && update.update.notificationId)).toBe(true);
    expect(nudges).toBe(1);
  });

  it('changes nothing when the same event is handled again', async () => {
    const tenant = association();
    const members = [1, 2, 3].map(() => bed.directory.add({ associationId: tenant }));
    for (const member of members) await giveDevice(tenant, member.memberId);
    const { intent } = intentFor({ kind: 'audience', audience: { kind: 'association', id: null } }, { category: 'events' });
    const feed = new RecordingFeed();
    const service = ingest([intent], { feed });
    const event = eventIn(tenant);
    const first = await service.handle(event);
    const before = await storedOf(event);

    const again = await service.handle(event);

    expect(first).toMatchObject({ notifications: 3, queued: 6 });
    expect(again).toEqual({ recipients: 3, notifications: 0, queued: 0, held: 0, failed: 0 });
    const after = await storedOf(event);
    expect(after.notifications.map((row) => row.id).sort()).toEqual(before.notifications.map((row) => row.id).sort());
    expect(after.deliveries.map((row) => row.id).sort()).toEqual(before.deliveries.map((row) => row.id).sort());
    expect(feed.published).toHaveLength(3);
  });

  it('sends nothing on the channels a person muted, and keeps the inbox', async () => {
    const tenant = association();
    const muted = bed.directory.add({ associationId: tenant });
    const keen = bed.directory.add({ associationId: tenant });
    for (const member of [muted, keen]) await giveDevice(tenant, member.memberId);
    await choose(tenant, muted.memberId, [
      { category: 'news', channel: 'email', enabled: false },
      { category: 'news', channel: 'push', enabled: false },
    ]);
    await choose(tenant, keen.memberId, [{ category: 'news', channel: 'email', enabled: true }]);
    const { intent } = intentFor({ kind: 'members', memberIds: [muted.memberId, keen.memberId] });
    const event = eventIn(tenant);

    await ingest([intent]).handle(event);

    const stored = await storedOf(event);
    expect(channelsByMember(stored)).toEqual({ [muted.memberId]: [], [keen.memberId]: ['email', 'push'] });
    expect(stored.notifications.every((row) => row.shown)).toBe(true);
    expect(stored.deliveries.find((row) => row.channel === 'email')).toMatchObject({ address: keen.email, status: 'queued', heldFor: null });
  });

  it('sends an important notice whatever the preferences, on the channel the person chose', async () => {
    const tenant = association();
    const pushOnly = bed.directory.add({ associationId: tenant });
    await giveDevice(tenant, pushOnly.memberId);
    await choose(tenant, pushOnly.memberId, [
      { category: 'important', channel: 'email', enabled: false },
      { category: 'news', channel: 'push', enabled: false },
    ]);
    const { intent } = intentFor({ kind: 'members', memberIds: [pushOnly.memberId] }, { category: 'important', important: true });
    const event = eventIn(tenant);

    await ingest([intent]).handle(event);

    expect(channelsByMember(await storedOf(event))).toEqual({ [pushOnly.memberId]: ['push'] });
  });

  it('falls back to e-mail for an important notice when the chosen channel cannot reach the person', async () => {
    const tenant = association();
    const noDevice = bed.directory.add({ associationId: tenant });
    await choose(tenant, noDevice.memberId, [{ category: 'important', channel: 'email', enabled: false }]);
    const { intent } = intentFor({ kind: 'members', memberIds: [noDevice.memberId] }, { category: 'important', important: true });
    const event = eventIn(tenant);

    await ingest([intent]).handle(event);

    expect(channelsByMember(await storedOf(event))).toEqual({ [noDevice.memberId]: ['email'] });
  });

  it('stores a notification the person turned the inbox off for without showing it, only to carry its push', async () => {
    const tenant = association();
    const noInbox = bed.directory.add({ associationId: tenant });
    const nothing = bed.directory.add({ associationId: tenant });
    for (const member of [noInbox, nothing]) await giveDevice(tenant, member.memberId);
    await choose(tenant, noInbox.memberId, [{ category: 'news', channel: 'in_app', enabled: false }]);
    await choose(tenant, nothing.memberId, [
      { category: 'news', channel: 'in_app', enabled: false },
      { category: 'news', channel: 'push', enabled: false },
    ]);
    const { intent } = intentFor({ kind: 'members', memberIds: [noInbox.memberId, nothing.memberId] });
    const feed = new RecordingFeed();
    const event = eventIn(tenant);

    await ingest([intent], { feed }).handle(event);

    const stored = await storedOf(event);
    expect(channelsByMember(stored)).toEqual({ [noInbox.memberId]: ['push'] });
    expect(stored.notifications[0]!.shown).toBe(false);
    expect(feed.published).toEqual([]);
  });

  it('holds push during quiet hours until they end, except important notices', async () => {
    const tenant = association();
    const sleeper = bed.directory.add({ associationId: tenant });
    await giveDevice(tenant, sleeper.memberId);
    await choose(tenant, sleeper.memberId, [], { quietHoursStart: '22:00', quietHoursEnd: '07:00' });
    const now = () => new Date('2026-01-15T22:30:00Z'); // 23:30 in Oslo
    const news = intentFor({ kind: 'members', memberIds: [sleeper.memberId] }).intent;
    const notice = intentFor({ kind: 'members', memberIds: [sleeper.memberId] }, { category: 'important', important: true }).intent;
    const [held, urgent] = [eventIn(tenant), eventIn(tenant)];

    const heldResult = await ingest([news], { now }).handle(held);
    await ingest([notice], { now }).handle(urgent);

    expect(heldResult).toMatchObject({ queued: 0, held: 1 });
    const [push] = (await storedOf(held)).deliveries;
    expect(push).toMatchObject({ channel: 'push', status: 'queued', heldFor: 'quiet_hours', nextAttemptAt: new Date('2026-01-16T06:00:00Z') });
    const sent = (await storedOf(urgent)).deliveries;
    expect(sent.map((row) => [row.channel, row.heldFor]).sort()).toEqual([
      ['email', null],
      ['push', null],
    ]);
  });

  it('sends push outside quiet hours at once', async () => {
    const tenant = association();
    const member = bed.directory.add({ associationId: tenant });
    await giveDevice(tenant, member.memberId);
    await choose(tenant, member.memberId, [], { quietHoursStart: '22:00', quietHoursEnd: '07:00' });
    const event = eventIn(tenant);

    await ingest([intentFor({ kind: 'members', memberIds: [member.memberId] }).intent], { now: () => new Date('2026-01-15T12:00:00Z') }).handle(event);

    expect((await storedOf(event)).deliveries).toMatchObject([{ channel: 'push', heldFor: null }]);
  });

  it('holds e-mail of optional categories for the daily digest, but not important or account messages', async () => {
    const tenant = association();
    const digester = bed.directory.add({ associationId: tenant });
    await choose(tenant, digester.memberId, [], { emailDigest: true, digestHour: 18 });
    const now = () => new Date('2026-06-10T08:00:00Z'); // 10:00 in Oslo (summer time)
    const spec = { kind: 'members' as const, memberIds: [digester.memberId] };
    const [optional, important, account] = [eventIn(tenant), eventIn(tenant), eventIn(tenant)];

    await ingest([intentFor(spec, { category: 'events' }).intent], { now }).handle(optional);
    await ingest([intentFor(spec, { category: 'events', important: true }).intent], { now }).handle(important);
    await ingest([intentFor(spec, { category: 'account' }).intent], { now }).handle(account);

    expect((await storedOf(optional)).deliveries).toMatchObject([
      { channel: 'email', status: 'queued', heldFor: 'digest', nextAttemptAt: new Date('2026-06-10T16:00:00Z') },
    ]);
    expect((await storedOf(important)).deliveries).toMatchObject([{ channel: 'email', heldFor: null }]);
    expect((await storedOf(account)).deliveries).toMatchObject([{ channel: 'email', heldFor: null }]);
  });

  it('records who cannot be reached for messages that must reach them, and skips optional ones', async () => {
    const tenant = association();
    const unreachable = bed.directory.add({ associationId: tenant, email: null, phone: null });
    await choose(tenant, unreachable.memberId, [
      { category: 'events', channel: 'push', enabled: false },
      { category: 'important', channel: 'sms', enabled: true },
    ]);
    const spec = { kind: 'members' as const, memberIds: [unreachable.memberId] };
    const [optional, important] = [eventIn(tenant), eventIn(tenant)];
    const senders = acceptingSenders(['email', 'push', 'sms']);

    const optionalResult = await ingest([intentFor(spec, { category: 'events' }).intent], { senders }).handle(optional);
    const importantResult = await ingest([intentFor(spec, { category: 'important', important: true }).intent], { senders }).handle(important);

    expect(optionalResult).toMatchObject({ notifications: 1, queued: 0, failed: 0 });
    expect((await storedOf(optional)).deliveries).toEqual([]);
    expect(importantResult).toMatchObject({ notifications: 1, queued: 0, failed: 2 });
    const failed = (await storedOf(important)).deliveries.sort((x, y) => x.channel.localeCompare(y.channel));
    expect(failed).toMatchObject([
      { channel: 'email', status: 'failed', address: null, lastError: NO_EMAIL_ADDRESS, attempts: 0 },
      { channel: 'sms', status: 'failed', address: null, lastError: NO_PHONE_NUMBER, attempts: 0 },
    ]);
  });

  it('queues SMS to the phone number only where an SMS provider is available', async () => {
    const tenant = association();
    const texter = bed.directory.add({ associationId: tenant, phone: '+4791234567' });
    await choose(tenant, texter.memberId, [{ category: 'important', channel: 'sms', enabled: true }]);
    const spec = { kind: 'members' as const, memberIds: [texter.memberId] };
    const [withSms, without] = [eventIn(tenant), eventIn(tenant)];

    await ingest([intentFor(spec, { category: 'important', important: true }).intent], { senders: acceptingSenders(['email', 'push', 'sms']) }).handle(withSms);
    await ingest([intentFor(spec, { category: 'important', important: true }).intent]).handle(without);

    expect((await storedOf(withSms)).deliveries.map((row) => [row.channel, row.address]).sort()).toEqual([
      ['email', texter.email],
      ['sms', '+4791234567'],
    ]);
    expect((await storedOf(without)).deliveries.map((row) => row.channel)).toEqual(['email']);
  });

  it('renders once per language, in each person’s language or else the association’s', async () => {
    const tenant = association('nb');
    const [english, norwegian, defaulted] = [1, 2, 3].map(() => bed.directory.add({ associationId: tenant }));
    await choose(tenant, english!.memberId, [], { locale: 'en' });
    await choose(tenant, norwegian!.memberId, [], { locale: 'nb' });
    const { intent, renders } = intentFor({ kind: 'audience', audience: { kind: 'association', id: null } });
    const event = eventIn(tenant);

    await ingest([intent]).handle(event);

    const byMember = new Map((await storedOf(event)).notifications.map((row) => [row.memberId, row]));
    expect(byMember.get(english!.memberId)).toMatchObject({ locale: 'en', title: 'New post', body: 'The board of Solbakken borettslag wrote a post.' });
    expect(byMember.get(norwegian!.memberId)).toMatchObject({ locale: 'nb', title: 'Nytt innlegg' });
    expect(byMember.get(defaulted!.memberId)).toMatchObject({ locale: 'nb', title: 'Nytt innlegg' });
    expect(renders.sort()).toEqual(['en', 'nb']);
  });

  it('e-mails an address that is no member, in the association’s language, with no inbox', async () => {
    const tenant = association('en');
    const { intent } = intentFor({ kind: 'address', email: ' Ny.Beboer@Example.NO ' }, { category: 'account' });
    const feed = new RecordingFeed();
    const event = eventIn(tenant, 'member.invited');

    const result = await ingest([intent], { feed }).handle(event);

    expect(result).toEqual({ recipients: 1, notifications: 1, queued: 1, held: 0, failed: 0 });
    const stored = await storedOf(event);
    expect(stored.notifications).toMatchObject([{ recipient: 'email:ny.beboer@example.no', memberId: null, shown: false, locale: 'en', title: 'New post' }]);
    expect(stored.deliveries).toMatchObject([{ channel: 'email', address: 'Ny.Beboer@Example.NO', status: 'queued' }]);
    expect(feed.published).toEqual([]);
  });

  it('never reaches another association’s people', async () => {
    const tenant = association();
    const other = association();
    const here = bed.directory.add({ associationId: tenant });
    const there = bed.directory.add({ associationId: other, board: true });
    const toAll = intentFor({ kind: 'audience', audience: { kind: 'association', id: null } }).intent;
    const toThem = intentFor({ kind: 'members', memberIds: [there.memberId] }).intent;
    const event = eventIn(tenant);

    await ingest([toAll, toThem, { ...toAll, recipients: { kind: 'board' } }]).handle(event);

    const stored = await storedOf(event);
    expect(stored.notifications.map((row) => row.memberId)).toEqual([here.memberId]);
    expect(stored.notifications.every((row) => row.associationId === tenant)).toBe(true);
  });

  it('stores nothing and rejects when the directory cannot be asked, so the event is redelivered', async () => {
    const tenant = association();
    const member = bed.directory.add({ associationId: tenant });
    const down: Directory = {
      association: (id) => bed.directory.association(id),
      recipients: () => Promise.reject(new Error('members is down')),
      contactEmail: () => Promise.reject(new Error('members is down')),
    };
    const event = eventIn(tenant);

    await expect(ingest([intentFor({ kind: 'members', memberIds: [member.memberId] }).intent], {}, down).handle(event)).rejects.toThrow('members is down');

    expect((await storedOf(event)).notifications).toEqual([]);
  });

  it('acknowledges an event of an association the directory does not know, notifying nobody', async () => {
    const event = eventIn(randomUUID());

    const result = await ingest([intentFor({ kind: 'board' }).intent]).handle(event);

    expect(result).toEqual({ recipients: 0, notifications: 0, queued: 0, held: 0, failed: 0 });
  });

  it('fans an important notice out to 2,000 residents in a few statements', async () => {
    const tenant = association();
    const residents = Array.from({ length: 2_000 }, () => bed.directory.add({ associationId: tenant }));
    for (const resident of residents.slice(0, 500)) await giveDevice(tenant, resident.memberId);
    const { intent } = intentFor({ kind: 'audience', audience: { kind: 'association', id: null } }, { category: 'important', important: true });
    const event = eventIn(tenant);
    const statementsBefore = bed.subgraph.db.queryCount;

    const result = await ingest([intent]).handle(event);

    expect(result).toEqual({ recipients: 2_000, notifications: 2_000, queued: 2_500, held: 0, failed: 0 });
    // Four transactions (reads of settings, overrides and devices; the store), each with its begin, scope and
    // commit, around three reads, the store's closure lock and check, its one look-up of erased members, and a
    // statement per thousand rows: the count does not grow with each recipient.
    expect(bed.subgraph.db.queryCount - statementsBefore).toBeLessThanOrEqual(23);
    const stored = await storedOf(event);
    expect(stored.notifications).toHaveLength(2_000);
    expect(stored.deliveries).toHaveLength(2_500);
  });
});
