import { randomUUID } from 'node:crypto';
import type { MemberViewer } from '@tunet/kit';
import { and, eq } from 'drizzle-orm';
import type { GraphQLError } from 'graphql';
import { errorOf, graphqlOf } from '../inbox/inbox.fixtures';
import { personSettings, preferenceLog } from '../tables';
import { openNotificationsTestBed, PLATFORM_ADMIN, integratorOf, viewerIn, type NotificationsTestBed } from '../notifications.fixtures';

let bed: NotificationsTestBed;
let execute: ReturnType<typeof graphqlOf>;
beforeAll(async () => {
  bed = await openNotificationsTestBed();
  execute = graphqlOf(bed);
});
afterAll(() => bed.close());

type ChannelPreference = { channel: string; enabled: boolean; changeable: boolean };
type Preferences = {
  locale: string;
  localeChosen: boolean;
  timeZone: string;
  quietHours: { start: string; end: string } | null;
  emailDigest: boolean;
  digestHour: number;
  smsAvailable: boolean;
  categories: { category: string; optional: boolean; channels: ChannelPreference[] }[];
};

const FIELDS = `locale localeChosen timeZone quietHours { start end } emailDigest digestHour smsAvailable
  categories { category optional channels { channel enabled changeable } }`;
const READ = `{ notificationPreferences { ${FIELDS} } }`;
const UPDATE = `mutation($input: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $input) { preferences { ${FIELDS} } } }`;

async function read(viewer: MemberViewer, on = execute): Promise<Preferences> {
  const result = await on<{ notificationPreferences: Preferences }>(viewer, READ);
  expect(result.errors).toBeUndefined();
  return result.data!.notificationPreferences;
}

async function update(viewer: MemberViewer, input: Record<string, unknown>, on = execute): Promise<Preferences> {
  const result = await on<{ updateNotificationPreferences: { preferences: Preferences } }>(viewer, UPDATE, { input });
  expect(result.errors).toBeUndefined();
  return result.data!.updateNotificationPreferences.preferences;
}

/** `CATEGORY CHANNEL` → [enabled, changeable], for compact expectations. */
function channels(preferences: Preferences): Record<string, [boolean, boolean]> {
  return Object.fromEntries(
    preferences.categories.flatMap(({ category, channels: list }) =>
      list.map(({ channel, enabled, changeable }) => [`${category} ${channel}`, [enabled, changeable]]),
    ),
  );
}

const association = randomUUID();

describe("the association's time zone", () => {
  const far = randomUUID();
  const storedZone = async (viewer: MemberViewer) =>
    bed.subgraph.db.tenant(far, async (tx) => {
      const [row] = await tx.select({ timeZone: personSettings.timeZone }).from(personSettings).where(eq(personSettings.memberId, viewer.memberId));
      return row?.timeZone;
    });

  beforeAll(() => bed.directory.addAssociation({ id: far, timeZone: 'Pacific/Auckland' }));

  it('is the zone of someone who never chose one, also after they change something else, and after a reset', async () => {
    const viewer = viewerIn(far);
    expect((await read(viewer)).timeZone).toBe('Pacific/Auckland');
    // Quiet hours are held by the stored zone, so the row written for them must have the association's.
    expect(await update(viewer, { quietHours: { start: '22:00', end: '07:00' } })).toMatchObject({ timeZone: 'Pacific/Auckland' });
    expect(await storedZone(viewer)).toBe('Pacific/Auckland');
    await update(viewer, { timeZone: 'Europe/London' });
    expect(await update(viewer, { timeZone: null })).toMatchObject({ timeZone: 'Pacific/Auckland' });
    expect(await storedZone(viewer)).toBe('Pacific/Auckland');
  });
});

describe('reading preferences', () => {
  it('gives the defaults, every category in order with every channel, and the association language', async () => {
    bed.directory.addAssociation({ id: association, locale: 'en' });
    const preferences = await read(viewerIn(association));
    expect(preferences).toMatchObject({
      locale: 'EN',
      localeChosen: false,
      timeZone: 'Europe/Oslo',
      quietHours: null,
      emailDigest: false,
      digestHour: 7,
      smsAvailable: false,
    });
    expect(preferences.categories.map((category) => [category.category, category.optional])).toEqual([
      ['NEWS', true],
      ['IMPORTANT', false],
      ['COMMENTS', true],
      ['EVENTS', true],
      ['RESERVATIONS', true],
      ['SERVICE_REQUESTS', true],
      ['ACCOUNT', false],
      ['PRIVACY', false],
    ]);
    expect(channels(preferences)).toMatchObject({
      'NEWS IN_APP': [true, true],
      'NEWS EMAIL': [false, true],
      'NEWS SMS': [false, false],
      'IMPORTANT IN_APP': [true, false],
      'IMPORTANT EMAIL': [true, true],
      'IMPORTANT PUSH': [true, true],
      // Account messages go out by e-mail alone by default: it is the channel that must stay.
      'ACCOUNT IN_APP': [true, false],
      'ACCOUNT EMAIL': [true, false],
      // So do privacy messages (requests, notices): the person is told, whatever else they turned off.
      'PRIVACY IN_APP': [true, false],
      'PRIVACY EMAIL': [true, false],
      'ACCOUNT PUSH': [false, true],
    });
  });

  it('falls back to Norwegian where members does not know the association', async () => {
    expect((await read(viewerIn(randomUUID()))).locale).toBe('NB');
  });

  it.each([
    ['anonymous', null, 'UNAUTHENTICATED'],
    ['an integration key', integratorOf(association), 'FORBIDDEN'],
    ['a platform admin without membership', PLATFORM_ADMIN, 'FORBIDDEN'],
  ] as const)('refuses %s', async (_who, viewer, code) => {
    expect(errorOf(await execute(viewer, READ))).toEqual({ code });
    expect(errorOf(await execute(viewer, UPDATE, { input: { emailDigest: true } }))).toEqual({ code });
  });
});

describe('changing preferences', () => {
  it('changes only the fields given, and logs the change', async () => {
    const viewer = viewerIn(association);
    const changed = await update(viewer, {
      locale: 'NB',
      timeZone: 'America/New_York',
      quietHours: { start: '22:00', end: '07:00' },
      emailDigest: true,
      digestHour: 18,
      channels: [
        { category: 'NEWS', channel: 'EMAIL', enabled: true },
        { category: 'IMPORTANT', channel: 'EMAIL', enabled: false },
      ],
    });
    expect(changed).toMatchObject({
      locale: 'NB',
      localeChosen: true,
      timeZone: 'America/New_York',
      quietHours: { start: '22:00', end: '07:00' },
      emailDigest: true,
      digestHour: 18,
    });
    // Push is now the only way important notices reach them.
    expect(channels(changed)).toMatchObject({ 'NEWS EMAIL': [true, true], 'IMPORTANT EMAIL': [false, true], 'IMPORTANT PUSH': [true, false] });
    expect(await read(viewer)).toEqual(changed);

    const again = await update(viewer, { digestHour: 6 });
    expect(again).toEqual({ ...changed, digestHour: 6 });

    const log = await bed.subgraph.db.tenant(association, (tx) =>
      tx
        .select({ via: preferenceLog.via, change: preferenceLog.change })
        .from(preferenceLog)
        .where(and(eq(preferenceLog.associationId, association), eq(preferenceLog.memberId, viewer.memberId)))
        .orderBy(preferenceLog.at),
    );
    expect(log).toHaveLength(2);
    expect(log[0]).toEqual({
      via: 'app',
      change: {
        channels: [
          { category: 'news', channel: 'email', enabled: true },
          { category: 'important', channel: 'email', enabled: false },
        ],
        settings: { locale: 'nb', timeZone: 'America/New_York', quietHoursStart: '22:00', quietHoursEnd: '07:00', emailDigest: true, digestHour: 18 },
      },
    });
    expect(log[1]).toEqual({ via: 'app', change: { channels: [], settings: { digestHour: 6 } } });
  });

  it('resets to the defaults with null', async () => {
    const viewer = viewerIn(association);
    await update(viewer, { locale: 'NB', quietHours: { start: '23:00', end: '06:30' }, timeZone: 'Europe/London', digestHour: 9 });
    const reset = await update(viewer, { locale: null, quietHours: null, timeZone: null, digestHour: null, emailDigest: null });
    expect(reset).toMatchObject({ locale: 'EN', localeChosen: false, quietHours: null, timeZone: 'Europe/Oslo', digestHour: 7, emailDigest: false });
  });

  it.each([
    ['timeZone', { timeZone: 'Mars/Olympus_Mons' }],
    ['timeZone', { timeZone: '' }],
    ['quietHours.start', { quietHours: { start: '24:00', end: '07:00' } }],
    ['quietHours.start', { quietHours: { start: '7:00', end: '08:00' } }],
    ['quietHours.end', { quietHours: { start: '22:00', end: '22:60' } }],
    ['quietHours.end', { quietHours: { start: '22:00', end: '22:00' } }],
    ['digestHour', { digestHour: 24 }],
    ['digestHour', { digestHour: -1 }],
    ['channels', { channels: [{ category: 'NEWS', channel: 'SMS', enabled: true }] }],
    ['channels', { channels: [{ category: 'IMPORTANT', channel: 'IN_APP', enabled: false }] }],
    ['channels', { channels: [{ category: 'ACCOUNT', channel: 'IN_APP', enabled: false }] }],
    ['channels', { channels: [{ category: 'ACCOUNT', channel: 'EMAIL', enabled: false }] }],
    [
      'channels',
      {
        channels: [
          { category: 'IMPORTANT', channel: 'EMAIL', enabled: false },
          { category: 'IMPORTANT', channel: 'PUSH', enabled: false },
        ],
      },
    ],
  ])('refuses a bad %s, changing nothing', async (field, input) => {
    const viewer = viewerIn(association);
    const before = await read(viewer);
    const result = await execute(viewer, UPDATE, { input: { emailDigest: true, ...input } });
    expect(errorOf(result)).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(await read(viewer)).toEqual(before);
  });

  it('lets an optional category be turned off entirely, inbox included', async () => {
    const viewer = viewerIn(association);
    const off = await update(viewer, {
      channels: ['IN_APP', 'EMAIL', 'PUSH'].map((channel) => ({ category: 'COMMENTS', channel, enabled: false })),
    });
    expect(channels(off)).toMatchObject({ 'COMMENTS IN_APP': [false, true], 'COMMENTS EMAIL': [false, true], 'COMMENTS PUSH': [false, true] });
  });

  it('lets one of two changes at once through but never both, so important notices keep a channel', async () => {
    for (let round = 0; round < 5; round++) {
      const viewer = viewerIn(association);
      const results = await Promise.allSettled([
        bed.contextFor(viewer).preferences.update(viewer, { channels: [{ category: 'important', channel: 'email', enabled: false }] }, {}),
        bed.contextFor(viewer).preferences.update(viewer, { channels: [{ category: 'important', channel: 'push', enabled: false }] }, {}),
      ]);
      expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = results.find((result) => result.status === 'rejected')!.reason as GraphQLError;
      expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'channels' });
      const after = channels(await read(viewer));
      expect(after['IMPORTANT EMAIL']![0] || after['IMPORTANT PUSH']![0]).toBe(true);
    }
  });
});

describe('with an SMS provider', () => {
  let smsBed: NotificationsTestBed;
  let onSms: ReturnType<typeof graphqlOf>;
  let withoutAddOn: ReturnType<typeof graphqlOf>;
  beforeAll(async () => {
    smsBed = await openNotificationsTestBed({ sms: { provider: 'http', url: 'http://127.0.0.1:9/sms', token: 'hemmelig', from: 'Tunet' } });
    const signed = graphqlOf(smsBed);
    // As the gateway signs it: the viewer's association subscribes to the SMS add-on.
    onSms = (viewer, source, variables) =>
      signed(viewer, source, variables, { associationId: viewer!.associationId!, features: ['base', 'sms'], limits: { smsPerMonth: 500 } });
    withoutAddOn = (viewer, source, variables) => signed(viewer, source, variables, { associationId: viewer!.associationId!, features: ['base'], limits: {} });
  });
  afterAll(() => smsBed.close());

  it('offers no SMS to an association without the SMS add-on, and refuses turning it on', async () => {
    const viewer = viewerIn(association);
    const before = await read(viewer, withoutAddOn);
    expect(before.smsAvailable).toBe(false);
    expect(channels(before)['IMPORTANT SMS']).toEqual([false, false]);
    const refused = await withoutAddOn(viewer, UPDATE, { input: { channels: [{ category: 'IMPORTANT', channel: 'SMS', enabled: true }] } });
    expect(errorOf(refused)).toEqual({ code: 'BAD_USER_INPUT', field: 'channels' });
  });

  it('offers SMS, which then counts as the channel that keeps important notices on', async () => {
    const viewer = viewerIn(association);
    const before = await read(viewer, onSms);
    expect(before.smsAvailable).toBe(true);
    expect(channels(before)['IMPORTANT SMS']).toEqual([false, true]);
    const changed = await update(
      viewer,
      {
        channels: [
          { category: 'IMPORTANT', channel: 'SMS', enabled: true },
          { category: 'IMPORTANT', channel: 'EMAIL', enabled: false },
          { category: 'IMPORTANT', channel: 'PUSH', enabled: false },
        ],
      },
      onSms,
    );
    expect(channels(changed)).toMatchObject({ 'IMPORTANT SMS': [true, false], 'IMPORTANT EMAIL': [false, true], 'IMPORTANT PUSH': [false, true] });
  });
});
