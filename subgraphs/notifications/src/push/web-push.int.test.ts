import { createECDH, randomBytes, randomUUID, type ECDH } from 'node:crypto';
import { createLogger } from '@tunet/kit';
import { decrypt } from 'http_ece';
import { importJWK, jwtVerify } from 'jose';
import webpush from 'web-push';
import { MAX_DEVICES_PER_MEMBER } from '../devices/devices.service';
import { openNotificationsTestBed, type NotificationsTestBed } from '../notifications.fixtures';
import { loopbackEndpoints, outgoingDelivery, startLoopbackServer, type Answer } from './push.fixtures';
import { PushChannel } from './push.channel';
import { PushEndpointPolicy } from './push-endpoints';
import { WebPushProvider } from './web-push.provider';

/** A browser's side of a subscription: the keys the push service never sees, only the browser can decrypt with. */
function browserKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return { ecdh, authSecret, p256dh: ecdh.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url') };
}

async function vapidKeyOf(k: string) {
  const point = Buffer.from(k, 'base64url');
  return importJWK({ kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') }, 'ES256');
}

describe('Web Push', () => {
  let bed: NotificationsTestBed;
  let push: Awaited<ReturnType<typeof startLoopbackServer>>;
  const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:drift@tunet.test' };
  // What each subscription's push endpoint answers, by the id in its path.
  const answers = new Map<string, Answer>();
  const keysById = new Map<string, { ecdh: ECDH; authSecret: Buffer }>();
  const decrypted = new Map<string, unknown>();
  let channel: PushChannel;
  const associationId = randomUUID();

  beforeAll(async () => {
    bed = await openNotificationsTestBed();
    push = await startLoopbackServer(({ path, body }) => {
      const id = path.split('/').pop()!;
      const keys = keysById.get(id)!;
      decrypted.set(id, JSON.parse(decrypt(body, { version: 'aes128gcm', privateKey: keys.ecdh, authSecret: keys.authSecret }).toString('utf8')));
      return answers.get(id) ?? { status: 201, headers: { location: `${push.origin}/messages/${id}` } };
    });
    channel = channelWith(new PushEndpointPolicy(loopbackEndpoints(push.origin)));
  });

  afterAll(async () => {
    await push.close();
    await bed.close();
  });

  async function subscribe(memberId: string, answer?: Answer, origin = push.origin) {
    const id = randomUUID();
    const keys = browserKeys();
    keysById.set(id, keys);
    if (answer) answers.set(id, answer);
    const endpoint = `${origin}/push/${id}`;
    const device = await bed.subgraph.devicesRepository.register(
      associationId,
      memberId,
      { kind: 'web', address: endpoint, p256dh: keys.p256dh, auth: keys.auth, deviceName: 'Firefox' },
      { perMember: MAX_DEVICES_PER_MEMBER },
    );
    return { id, device, endpoint };
  }

  const channelWith = (endpoints: PushEndpointPolicy) =>
    new PushChannel(
      bed.subgraph.devicesRepository,
      { web: new WebPushProvider(vapid, endpoints), fcm: null, apns: null },
      'https://app.tunet.test',
      createLogger('test'),
    );

  it('encrypts the payload for the subscription and signs the request with VAPID', async () => {
    const memberId = randomUUID();
    const { id, device } = await subscribe(memberId);
    const delivery = outgoingDelivery(associationId, memberId, { important: true, category: 'important' });

    const outcome = await channel.send(delivery);

    expect(outcome).toEqual({ status: 'sent', providerMessageId: `${push.origin}/messages/${id}`, detail: '1 of 1 device' });
    expect(decrypted.get(id)).toEqual({
      title: 'Vannet stenges tirsdag',
      body: delivery.body,
      url: 'https://app.tunet.test/posts/1',
      notificationId: delivery.notificationId,
      category: 'important',
      important: true,
    });
    const request = push.received.find((received) => received.path === `/push/${id}`)!;
    expect(request.method).toBe('POST');
    expect(request.headers).toMatchObject({ 'content-encoding': 'aes128gcm', ttl: '86400', urgency: 'high' });
    const [, jwt, k] = /^vapid t=([^,]+), k=(.+)$/.exec(request.headers.authorization ?? '') ?? [];
    expect(k).toBe(vapid.publicKey);
    const { payload, protectedHeader } = await jwtVerify(jwt!, await vapidKeyOf(k!), { audience: push.origin });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.sub).toBe('mailto:drift@tunet.test');
    const [stored] = await bed.subgraph.devicesRepository.devicesOf(associationId, [memberId]);
    expect(stored).toMatchObject({ id: device.id });
    expect(stored!.lastUsedAt).toBeInstanceOf(Date);
  });

  it('sends an ordinary notice with normal urgency and counts the devices that took it', async () => {
    const memberId = randomUUID();
    const phone = await subscribe(memberId);
    const laptop = await subscribe(memberId, { status: 400, body: 'bad request' });

    const outcome = await channel.send(outgoingDelivery(associationId, memberId));

    expect(outcome).toMatchObject({ status: 'sent', detail: '1 of 2 devices', providerMessageId: `${push.origin}/messages/${phone.id}` });
    expect(push.received.find((received) => received.path === `/push/${phone.id}`)!.headers.urgency).toBe('normal');
    expect(decrypted.has(laptop.id)).toBe(true);
  });

  it('forgets a subscription the push service says is gone', async () => {
    const memberId = randomUUID();
    await subscribe(memberId, { status: 410, body: 'push subscription has unsubscribed or expired' });

    const outcome = await channel.send(outgoingDelivery(associationId, memberId));

    expect(outcome).toEqual({ status: 'failed', reason: 'Web Push: subscription gone (410 push subscription has unsubscribed or expired)' });
    expect(await bed.subgraph.devicesRepository.devicesOf(associationId, [memberId])).toEqual([]);
  });

  it('tries again later when the push service fails, and keeps the subscription', async () => {
    const memberId = randomUUID();
    await subscribe(memberId, { status: 500, body: 'internal error' });

    const outcome = await channel.send(outgoingDelivery(associationId, memberId));

    expect(outcome).toEqual({ status: 'retry', reason: 'Web Push: 500 internal error' });
    expect(await bed.subgraph.devicesRepository.devicesOf(associationId, [memberId])).toHaveLength(1);
  });

  it('does not follow a redirect, which could lead anywhere', async () => {
    const memberId = randomUUID();
    await subscribe(memberId, { status: 307, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });

    const outcome = await channel.send(outgoingDelivery(associationId, memberId));

    expect(outcome).toEqual({ status: 'failed', reason: 'Web Push: 307 (redirects are not followed)' });
  });

  it('fails when the member has no device, or is no member', async () => {
    expect(await channel.send(outgoingDelivery(associationId, randomUUID()))).toEqual({ status: 'failed', reason: 'no push device registered' });
    expect(await channel.send(outgoingDelivery(associationId, null))).toEqual({ status: 'failed', reason: 'no push device registered' });
  });

  it('does not reach another association’s devices', async () => {
    const memberId = randomUUID();
    await subscribe(memberId);

    const outcome = await channel.send(outgoingDelivery(randomUUID(), memberId));

    expect(outcome).toEqual({ status: 'failed', reason: 'no push device registered' });
  });

  it('does not contact a push service on loopback under the default rules', async () => {
    const memberId = randomUUID();
    await subscribe(memberId);
    const before = push.received.length;

    const outcome = await channelWith(new PushEndpointPolicy({ hosts: ['*'], schemes: ['http:', 'https:'], ports: [Number(new URL(push.origin).port)] })).send(
      outgoingDelivery(associationId, memberId),
    );

    expect(outcome).toEqual({ status: 'failed', reason: 'Web Push: endpoint refused: 127.0.0.1 is not a public address' });
    expect(push.received.length).toBe(before);
  });

  it('connects to the address the rules’ resolver gave, which the system resolver does not know', async () => {
    const memberId = randomUUID();
    const origin = `http://push.loopback.test:${new URL(push.origin).port}`;
    const { id } = await subscribe(memberId, undefined, origin);
    const rules = { ...loopbackEndpoints(push.origin), hosts: ['push.loopback.test'], resolve: async () => [{ address: '127.0.0.1', family: 4 }] };

    const outcome = await channelWith(new PushEndpointPolicy(rules)).send(outgoingDelivery(associationId, memberId));

    expect(outcome).toMatchObject({ status: 'sent', detail: '1 of 1 device' });
    expect(push.received.find((received) => received.path === `/push/${id}`)!.headers.host).toBe(new URL(origin).host);
  });
});
