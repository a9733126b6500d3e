import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@tunet/kit';
import { jwtVerify } from 'jose';
import { MAX_DEVICES_PER_MEMBER } from '../devices/devices.service';
import { openNotificationsTestBed, type NotificationsTestBed } from '../notifications.fixtures';
import { ApnsProvider } from './apns.provider';
import { outgoingDelivery } from './push.fixtures';
import { PushChannel } from './push.channel';

interface ApnsRequest {
  headers: http2.IncomingHttpHeaders;
  body: string;
}

describe('APNs', () => {
  let bed: NotificationsTestBed;
  let server: http2.Http2Server;
  let channel: PushChannel;
  const associationId = randomUUID();
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const received: ApnsRequest[] = [];
  let sessions = 0;
  const serverSessions: http2.ServerHttp2Session[] = [];

  beforeAll(async () => {
    bed = await openNotificationsTestBed();
    server = http2.createServer();
    server.on('session', (session) => {
      sessions += 1;
      serverSessions.push(session);
    });
    server.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
        const token = String(headers[':path']).replace('/3/device/', '');
        if (token === 'gone-token') {
          stream.respond({ ':status': 410, 'content-type': 'application/json' });
          stream.end(JSON.stringify({ reason: 'Unregistered', timestamp: Date.now() }));
        } else if (token === 'bad-token') {
          stream.respond({ ':status': 400, 'content-type': 'application/json' });
          stream.end(JSON.stringify({ reason: 'BadDeviceToken' }));
        } else if (token === 'busy-token') {
          stream.respond({ ':status': 503, 'content-type': 'application/json' });
          stream.end(JSON.stringify({ reason: 'ServiceUnavailable' }));
        } else {
          stream.respond({ ':status': 200, 'apns-id': `apns-${token}` });
          stream.end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const provider = new ApnsProvider({
      teamId: 'TEAM123456',
      keyId: 'KEY1234567',
      privateKey,
      topic: 'no.tunet.app',
      origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    channel = new PushChannel(bed.subgraph.devicesRepository, { web: null, fcm: null, apns: provider }, 'https://app.tunet.test', createLogger('test'));
  });

  afterAll(async () => {
    await channel.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await bed.close();
  });

  const register = (memberId: string, kind: 'apns' | 'fcm', token: string) =>
    bed.subgraph.devicesRepository.register(
      associationId,
      memberId,
      { kind, address: token, p256dh: null, auth: null, deviceName: 'iPhone' },
      { perMember: MAX_DEVICES_PER_MEMBER },
    );
  const requestTo = (token: string) => received.find((request) => request.headers[':path'] === `/3/device/${token}`);

  it('sends an alert with a provider token over HTTP/2', async () => {
    const memberId = randomUUID();
    const token = randomUUID().replace(/-/g, '');
    await register(memberId, 'apns', token);
    const delivery = outgoingDelivery(associationId, memberId, { important: true, category: 'important' });
    const sentAt = Math.floor(Date.now() / 1000);

    const outcome = await channel.send(delivery);

    expect(outcome).toEqual({ status: 'sent', providerMessageId: `apns-${token}`, detail: '1 of 1 device' });
    const request = requestTo(token)!;
    expect(request.headers).toMatchObject({ ':method': 'POST', 'apns-topic': 'no.tunet.app', 'apns-push-type': 'alert', 'apns-priority': '10' });
    expect(Number(request.headers['apns-expiration']) - sentAt).toBeGreaterThanOrEqual(86400);
    const [scheme, jwt] = String(request.headers.authorization).split(' ');
    expect(scheme).toBe('bearer');
    const { payload, protectedHeader } = await jwtVerify(jwt!, createPublicKey(publicKey), { issuer: 'TEAM123456' });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: 'KEY1234567' });
    expect(typeof payload.iat).toBe('number');
    expect(JSON.parse(request.body)).toEqual({
      aps: { alert: { title: 'Vannet stenges tirsdag', body: delivery.body }, sound: 'default' },
      url: 'https://app.tunet.test/posts/1',
      notificationId: delivery.notificationId,
    });
  });

  it('reuses one session and one provider token for later sends, with normal priority for ordinary notices', async () => {
    const memberId = randomUUID();
    const token = randomUUID().replace(/-/g, '');
    await register(memberId, 'apns', token);
    await channel.send(outgoingDelivery(associationId, memberId));
    const sessionsBefore = sessions;

    await channel.send(outgoingDelivery(associationId, memberId));

    expect(sessions).toBe(sessionsBefore);
    const [first, second] = received.filter((request) => request.headers[':path'] === `/3/device/${token}`);
    expect(second!.headers.authorization).toBe(first!.headers.authorization);
    expect(second!.headers['apns-priority']).toBe('5');
  });

  it('forgets device tokens APNs reports as gone, and skips kinds that are not configured', async () => {
    const memberId = randomUUID();
    await register(memberId, 'apns', 'gone-token');
    await register(memberId, 'apns', 'bad-token');
    const android = await register(memberId, 'fcm', `fcm-${randomUUID()}`);

    const outcome = await channel.send(outgoingDelivery(associationId, memberId));

    expect(outcome).toEqual({
      status: 'failed',
      reason: 'APNs: token gone (410 Unregistered); APNs: token gone (400 BadDeviceToken); FCM: FCM is not configured',
    });
    expect(await bed.subgraph.devicesRepository.devicesOf(associationId, [memberId])).toEqual([expect.objectContaining({ id: android.id })]);
  });

  it('tries again later when APNs is unavailable', async () => {
    const memberId = randomUUID();
    await register(memberId, 'apns', 'busy-token');

    expect(await channel.send(outgoingDelivery(associationId, memberId))).toEqual({ status: 'retry', reason: 'APNs: 503 ServiceUnavailable' });
  });

  it('opens a new session after the server closed the old one', async () => {
    const memberId = randomUUID();
    const token = randomUUID().replace(/-/g, '');
    await register(memberId, 'apns', token);
    await channel.send(outgoingDelivery(associationId, memberId));
    const open = serverSessions.filter((session) => !session.closed);
    expect(open).toHaveLength(1);
    await new Promise<void>((resolve) => open[0]!.close(resolve));
    const sessionsBefore = sessions;

    // A send racing the GOAWAY may fail like any network error; the one after it must get through.
    const first = await channel.send(outgoingDelivery(associationId, memberId));
    const outcome = first.status === 'sent' ? first : await channel.send(outgoingDelivery(associationId, memberId));

    expect(outcome).toMatchObject({ status: 'sent' });
    expect(sessions).toBe(sessionsBefore + 1);
  });
});
