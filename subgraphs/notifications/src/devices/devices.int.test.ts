import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import webpush from 'web-push';
import { errorOf, graphqlOf } from '../inbox/inbox.fixtures';
import { openNotificationsTestBed, PLATFORM_ADMIN, integratorOf, viewerIn, type NotificationsTestBed } from '../notifications.fixtures';

const vapid = webpush.generateVAPIDKeys();
/** What the tests' DNS answers for every push service: an address on the internet, never contacted here. */
const PUBLIC = '151.101.2.132';

/** A browser's subscription as `subscription.toJSON()` gives it, with fresh keys. */
function subscription(overrides: Record<string, unknown> = {}) {
  const keys = createECDH('prime256v1');
  keys.generateKeys();
  return {
    endpoint: `https://updates.push.services.mozilla.com/wpush/v2/${randomUUID()}`,
    p256dh: keys.getPublicKey().toString('base64url'),
    auth: randomBytes(16).toString('base64url'),
    deviceName: 'Firefox på jobben',
    ...overrides,
  };
}

type Device = { id: string; kind: string; deviceName: string | null; createdAt: string; lastUsedAt: string | null };

const DEVICE = 'device { id kind deviceName createdAt lastUsedAt }';
const WEB = `mutation($input: RegisterWebPushSubscriptionInput!) { registerWebPushSubscription(input: $input) { ${DEVICE} } }`;
const MOBILE = `mutation($input: RegisterMobileDeviceInput!) { registerMobileDevice(input: $input) { ${DEVICE} } }`;
const REMOVE = 'mutation($id: ID!) { removePushDevice(input: { id: $id }) { removedId } }';
const LIST = '{ pushDevices { id kind deviceName } }';
const CONFIGURATION = '{ pushConfiguration { webPushPublicKey fcmEnabled apnsEnabled } }';

describe('without push providers', () => {
  let bed: NotificationsTestBed;
  let execute: ReturnType<typeof graphqlOf>;
  beforeAll(async () => {
    bed = await openNotificationsTestBed();
    execute = graphqlOf(bed);
  });
  afterAll(() => bed.close());

  it('says so, and refuses registrations', async () => {
    const viewer = viewerIn(randomUUID());
    expect((await execute(viewer, CONFIGURATION)).data).toEqual({
      pushConfiguration: { webPushPublicKey: null, fcmEnabled: false, apnsEnabled: false },
    });
    expect(errorOf(await execute(viewer, WEB, { input: subscription() }))).toEqual({ code: 'BAD_USER_INPUT', field: 'endpoint' });
    for (const kind of ['FCM', 'APNS']) {
      expect(errorOf(await execute(viewer, MOBILE, { input: { kind, token: 'abc123' } }))).toEqual({ code: 'BAD_USER_INPUT', field: 'kind' });
    }
    expect((await execute(viewer, LIST)).data).toEqual({ pushDevices: [] });
  });
});

describe('with push providers', () => {
  const association = randomUUID();
  let bed: NotificationsTestBed;
  let execute: ReturnType<typeof graphqlOf>;
  beforeAll(async () => {
    bed = await openNotificationsTestBed({
      webPush: { ...vapid, subject: 'mailto:drift@tunet.test', endpoints: { resolve: async () => [{ address: PUBLIC, family: 4 }] } },
      fcm: { projectId: 'tunet-test', clientEmail: 'push@tunet-test.iam.gserviceaccount.com', privateKey: 'unused by these tests' },
    });
    execute = graphqlOf(bed);
  });
  afterAll(() => bed.close());

  async function register(viewer: Viewer, source: string, input: Record<string, unknown>): Promise<Device> {
    const result = await execute<Record<string, { device: Device }>>(viewer, source, { input });
    expect(result.errors).toBeUndefined();
    return Object.values(result.data!)[0]!.device;
  }

  const list = async (viewer: Viewer) => (await execute<{ pushDevices: { id: string }[] }>(viewer, LIST)).data!.pushDevices.map((device) => device.id);

  it('gives clients the VAPID key and which phones can register', async () => {
    expect((await execute(viewerIn(association), CONFIGURATION)).data).toEqual({
      pushConfiguration: { webPushPublicKey: vapid.publicKey, fcmEnabled: true, apnsEnabled: false },
    });
  });

  it('registers a browser, and the same subscription again is the same device, now of whoever registered it last', async () => {
    const first = viewerIn(association);
    const second = viewerIn(association);
    const browser = subscription();
    const device = await register(first, WEB, browser);
    expect(device).toMatchObject({ kind: 'WEB', deviceName: 'Firefox på jobben', lastUsedAt: null });
    expect(await list(first)).toEqual([device.id]);

    const again = await register(second, WEB, { ...browser, deviceName: 'Nettbrettet i gangen' });
    expect(again).toMatchObject({ id: device.id, deviceName: 'Nettbrettet i gangen' });
    expect(await list(first)).toEqual([]);
    expect(await list(second)).toEqual([device.id]);
  });

  it('takes padded keys as the same subscription', async () => {
    const viewer = viewerIn(association);
    const browser = subscription();
    const device = await register(viewer, WEB, browser);
    const padded = await register(viewer, WEB, { ...browser, p256dh: `${browser.p256dh}=`, auth: `${browser.auth}==` });
    expect(padded.id).toBe(device.id);
    expect(await list(viewer)).toEqual([device.id]);
  });

  it.each([
    ['endpoint', { endpoint: 'http://push.example.test/abc' }],
    ['endpoint', { endpoint: '/relative/path' }],
    ['endpoint', { endpoint: `https://updates.push.services.mozilla.com/wpush/v2/${'a'.repeat(1000)}` }],
    ['endpoint', { endpoint: 'https://push.example.test/wpush/v2/abc' }],
    ['endpoint', { endpoint: 'https://push.services.mozilla.com.example.test/wpush/v2/abc' }],
    ['endpoint', { endpoint: 'https://10.0.0.1/wpush/v2/abc' }],
    ['p256dh', { p256dh: randomBytes(65).toString('base64url') }],
    ['p256dh', { p256dh: Buffer.concat([Buffer.from([4]), randomBytes(63)]).toString('base64url') }],
    ['p256dh', { p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url') }],
    ['p256dh', { p256dh: 'ikke base64!' }],
    ['auth', { auth: randomBytes(15).toString('base64url') }],
    ['auth', { auth: randomBytes(16).toString('base64') + '+/' }],
    ['deviceName', { deviceName: 'x'.repeat(101) }],
  ])('refuses a bad %s', async (field, overrides) => {
    const viewer = viewerIn(association);
    expect(errorOf(await execute(viewer, WEB, { input: subscription(overrides) }))).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(await list(viewer)).toEqual([]);
  });

  it('takes subscriptions at the browsers’ push services, however the host is written', async () => {
    const viewer = viewerIn(association);
    const id = randomUUID();
    for (const endpoint of [
      `https://fcm.googleapis.com/fcm/send/${id}`,
      `https://web.push.apple.com/${id}`,
      `https://wns2-am3p.notify.windows.com/w/?token=${id}`,
    ]) {
      await register(viewer, WEB, subscription({ endpoint }));
    }
    const firefox = await register(viewer, WEB, subscription({ endpoint: `https://updates.push.services.mozilla.com/wpush/v2/${id}` }));
    const again = await register(viewer, WEB, subscription({ endpoint: `https://Updates.Push.Services.Mozilla.com:443/wpush/v2/${id}` }));
    expect(again.id).toBe(firefox.id);
    // The root's trailing dot names the same host, so a service's subscriptions cannot be doubled by spelling.
    const rooted = await register(viewer, WEB, subscription({ endpoint: `https://updates.push.services.mozilla.com./wpush/v2/${id}` }));
    expect(rooted.id).toBe(firefox.id);
    expect(await list(viewer)).toHaveLength(4);
  });

  it('keeps a person’s ten newest devices of every kind', async () => {
    const viewer = viewerIn(association);
    const phones: string[] = [];
    for (let i = 0; i < 10; i += 1) phones.push((await register(viewer, MOBILE, { kind: 'FCM', token: `cap-${randomUUID()}` })).id);
    const browser = await register(viewer, WEB, subscription());
    expect(await list(viewer)).toEqual([...phones.slice(1), browser.id]);
  });

  it('registers a phone with a configured provider only', async () => {
    const viewer = viewerIn(association);
    const token = `fcm-${randomBytes(40).toString('base64url')}:APA91b`;
    const phone = await register(viewer, MOBILE, { kind: 'FCM', token, deviceName: '  ' });
    expect(phone).toMatchObject({ kind: 'FCM', deviceName: null });
    expect((await register(viewer, MOBILE, { kind: 'FCM', token: ` ${token} ` })).id).toBe(phone.id);
    expect(errorOf(await execute(viewer, MOBILE, { input: { kind: 'APNS', token: 'a1b2c3' } }))).toEqual({ code: 'BAD_USER_INPUT', field: 'kind' });
    expect(errorOf(await execute(viewer, MOBILE, { input: { kind: 'WEB', token: 'a1b2c3' } }))).toEqual({ code: 'BAD_USER_INPUT', field: 'kind' });
    for (const bad of ['', '   ', 'med mellomrom', 'æøå', 'x'.repeat(2001)]) {
      expect(errorOf(await execute(viewer, MOBILE, { input: { kind: 'FCM', token: bad } }))).toEqual({ code: 'BAD_USER_INPUT', field: 'token' });
    }
    expect(await list(viewer)).toEqual([phone.id]);
  });

  it('removes only the viewer’s own devices', async () => {
    const owner = viewerIn(association);
    const device = await register(owner, WEB, subscription());
    for (const stranger of [viewerIn(association, 'board'), viewerIn(randomUUID(), 'board')]) {
      expect(errorOf(await execute(stranger, REMOVE, { id: device.id }))).toEqual({ code: 'NOT_FOUND' });
    }
    expect(errorOf(await execute(owner, REMOVE, { id: 'ikke-en-id' }))).toEqual({ code: 'NOT_FOUND' });
    expect((await execute(owner, REMOVE, { id: device.id })).data).toEqual({ removePushDevice: { removedId: device.id } });
    expect(await list(owner)).toEqual([]);
    expect(errorOf(await execute(owner, REMOVE, { id: device.id }))).toEqual({ code: 'NOT_FOUND' });
  });

  it.each([
    ['anonymous', null, 'UNAUTHENTICATED'],
    ['an integration key', integratorOf(association), 'FORBIDDEN'],
    ['a platform admin without membership', PLATFORM_ADMIN, 'FORBIDDEN'],
  ] as const)('refuses %s everything', async (_who, viewer, code) => {
    const operations: [string, Record<string, unknown>][] = [
      [LIST, {}],
      [CONFIGURATION, {}],
      [WEB, { input: subscription() }],
      [MOBILE, { input: { kind: 'FCM', token: 'abc' } }],
      [REMOVE, { id: randomUUID() }],
    ];
    for (const [source, variables] of operations) expect(errorOf(await execute(viewer, source, variables))).toEqual({ code });
  });
});
