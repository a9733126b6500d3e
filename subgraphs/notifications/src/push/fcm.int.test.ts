import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createLogger } from '@tunet/kit';
import { jwtVerify, type JWTVerifyResult } from 'jose';
import { MAX_DEVICES_PER_MEMBER } from '../devices/devices.service';
import { openNotificationsTestBed, type NotificationsTestBed } from '../notifications.fixtures';
import { FcmProvider } from './fcm.provider';
import { outgoingDelivery, startLoopbackServer } from './push.fixtures';
import { PushChannel } from './push.channel';

describe('FCM HTTP v1', () => {
  let bed: NotificationsTestBed;
  let google: Awaited<ReturnType<typeof startLoopbackServer>>;
  let channel: PushChannel;
  const associationId = randomUUID();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const clientEmail = 'tunet@tunet-test.iam.gserviceaccount.com';
  const issued: string[] = [];
  const assertions: JWTVerifyResult[] = [];

  beforeAll(async () => {
    bed = await openNotificationsTestBed();
    google = await startLoopbackServer(async ({ path, headers, body }) => {
      if (path === '/token') {
        const form = new URLSearchParams(body.toString('utf8'));
        if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return { status: 400, body: '{"error":"unsupported_grant_type"}' };
        assertions.push(await jwtVerify(form.get('assertion')!, createPublicKey(publicKey), { issuer: clientEmail, audience: `${google.origin}/token` }));
        const token = `access-${issued.length + 1}`;
        issued.push(token);
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ access_token: token, expires_in: 3599, token_type: 'Bearer' }),
        };
      }
      if (path !== '/v1/projects/tunet-test/messages:send') return { status: 404, body: 'no such route' };
      if (!issued.includes((headers.authorization ?? '').replace(/^Bearer /, '')))
        return { status: 401, body: '{"error":{"code":401,"status":"UNAUTHENTICATED"}}' };
      const { message } = JSON.parse(body.toString('utf8')) as { message: { token: string } };
      if (message.token === 'gone-token') {
        return {
          status: 404,
          body: JSON.stringify({
            error: {
              code: 404,
              message: 'Requested entity was not found.',
              status: 'NOT_FOUND',
              details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' }],
            },
          }),
        };
      }
      if (message.token === 'garbled-token') {
        return {
          status: 400,
          body: JSON.stringify({
            error: {
              code: 400,
              message: 'The registration token is not a valid FCM registration token',
              status: 'INVALID_ARGUMENT',
              details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'INVALID_ARGUMENT' }],
            },
          }),
        };
      }
      if (message.token === 'busy-token')
        return { status: 503, body: '{"error":{"code":503,"status":"UNAVAILABLE","message":"The service is currently unavailable."}}' };
      return { status: 200, body: JSON.stringify({ name: `projects/tunet-test/messages/${message.token}` }) };
    });
    const provider = new FcmProvider({ projectId: 'tunet-test', clientEmail, privateKey, apiOrigin: google.origin, tokenUrl: `${google.origin}/token` });
    channel = new PushChannel(bed.subgraph.devicesRepository, { web: null, fcm: provider, apns: null }, 'https://app.tunet.test', createLogger('test'));
  });

  afterAll(async () => {
    await google.close();
    await bed.close();
  });

  const register = (memberId: string, token: string) =>
    bed.subgraph.devicesRepository.register(
      associationId,
      memberId,
      { kind: 'fcm', address: token, p256dh: null, auth: null, deviceName: 'Pixel' },
      { perMember: MAX_DEVICES_PER_MEMBER },
    );
  const messagesTo = (token: string) =>
    google.received.filter((request) => request.path.endsWith('messages:send') && request.body.toString('utf8').includes(`"token":"${token}"`));

  it('signs in as the service account and sends the message to the device token', async () => {
    const memberId = randomUUID();
    const token = `token-${randomUUID()}`;
    await register(memberId, token);
    const delivery = outgoingDelivery(associationId, memberId, { important: true, category: 'important', link: '/posts/7' });

    const outcome = await channel.send(delivery);

    expect(outcome).toEqual({ status: 'sent', providerMessageId: `projects/tunet-test/messages/${token}`, detail: '1 of 1 device' });
    expect(assertions[0]!.payload).toMatchObject({ scope: 'https://www.googleapis.com/auth/firebase.messaging' });
    expect(assertions[0]!.protectedHeader.alg).toBe('RS256');
    const [request] = messagesTo(token);
    expect(request!.headers.authorization).toBe('Bearer access-1');
    expect(JSON.parse(request!.body.toString('utf8'))).toEqual({
      message: {
        token,
        notification: { title: 'Vannet stenges tirsdag', body: delivery.body },
        data: { url: 'https://app.tunet.test/posts/7', notificationId: delivery.notificationId, category: 'important', important: 'true' },
        android: { priority: 'HIGH', ttl: '86400s' },
      },
    });
  });

  it('keeps the access token for the next sends', async () => {
    const provider = new FcmProvider({ projectId: 'tunet-test', clientEmail, privateKey, apiOrigin: google.origin, tokenUrl: `${google.origin}/token` });
    const fresh = new PushChannel(bed.subgraph.devicesRepository, { web: null, fcm: provider, apns: null }, 'https://app.tunet.test', createLogger('test'));
    const memberId = randomUUID();
    const token = `token-${randomUUID()}`;
    await register(memberId, token);
    const before = issued.length;

    await fresh.send(outgoingDelivery(associationId, memberId));
    await fresh.send(outgoingDelivery(associationId, memberId));

    expect(issued.length - before).toBe(1);
    const bearer = `Bearer ${issued.at(-1)}`;
    expect(messagesTo(token).map((request) => request.headers.authorization)).toEqual([bearer, bearer]);
    expect(JSON.parse(messagesTo(token)[0]!.body.toString('utf8')).message.android.priority).toBe('NORMAL');
  });

  it('forgets a token FCM reports as unregistered or invalid', async () => {
    const memberId = randomUUID();
    await register(memberId, 'gone-token');
    await register(memberId, 'garbled-token');

    const outcome = await channel.send(outgoingDelivery(associationId, memberId));

    expect(outcome).toEqual({
      status: 'failed',
      reason:
        'FCM: token gone (404 NOT_FOUND/UNREGISTERED: Requested entity was not found.); ' +
        'FCM: token invalid (400 INVALID_ARGUMENT/INVALID_ARGUMENT: The registration token is not a valid FCM registration token)',
    });
    expect(await bed.subgraph.devicesRepository.devicesOf(associationId, [memberId])).toEqual([]);
  });

  it('tries again later when FCM is unavailable', async () => {
    const memberId = randomUUID();
    await register(memberId, 'busy-token');

    const outcome = await channel.send(outgoingDelivery(associationId, memberId));

    expect(outcome).toEqual({ status: 'retry', reason: 'FCM: 503 UNAVAILABLE: The service is currently unavailable.' });
    expect(await bed.subgraph.devicesRepository.devicesOf(associationId, [memberId])).toHaveLength(1);
  });

  it('signs in again once the access token is about to expire', async () => {
    let now = Date.now();
    const provider = new FcmProvider(
      { projectId: 'tunet-test', clientEmail, privateKey, apiOrigin: google.origin, tokenUrl: `${google.origin}/token` },
      () => now,
    );
    const device = await register(randomUUID(), `token-${randomUUID()}`);
    const message = { title: 'Hei', body: 'Hallo', url: 'https://app.tunet.test/', notificationId: randomUUID(), category: 'news' as const, important: false };
    const before = issued.length;

    await provider.send(device, message);
    now += 56 * 60 * 1000;
    await provider.send(device, message);

    expect(issued.length - before).toBe(2);
  });
});
