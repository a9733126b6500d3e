import { generateKeyPairSync } from 'node:crypto';
import { createLogger } from '@tunet/kit';
import webpush from 'web-push';
import type { NotificationsConfig } from '../config';
import { openNotificationsTestBed, type NotificationsTestBed } from '../notifications.fixtures';
import { createPushAndSmsChannels } from './channels';

describe('createPushAndSmsChannels', () => {
  let bed: NotificationsTestBed;
  const logger = createLogger('test');
  const nothing: NotificationsConfig = {
    publicOrigin: 'https://tunet.test',
    webAppOrigin: 'https://app.tunet.test',
    email: { smtpUrl: null, from: 'Tunet <varsler@tunet.test>' },
    webPush: null,
    fcm: null,
    apns: null,
    sms: null,
  };

  beforeAll(async () => {
    bed = await openNotificationsTestBed();
  });

  afterAll(() => bed.close());

  it('offers neither push nor SMS when nothing is configured', () => {
    const channels = createPushAndSmsChannels(nothing, bed.subgraph.devicesRepository, logger);

    expect(channels).toMatchObject({ webPushPublicKey: null, fcmEnabled: false, apnsEnabled: false });
    expect(channels.push.available).toBe(false);
    expect(channels.sms.available).toBe(false);
  });

  it('enables each provider its configuration names', async () => {
    const vapid = webpush.generateVAPIDKeys();
    const pkcs8 = { type: 'pkcs8', format: 'pem' } as const;
    const spki = { type: 'spki', format: 'pem' } as const;
    const serviceAccountKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: pkcs8, publicKeyEncoding: spki }).privateKey;
    const apnsKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: pkcs8, publicKeyEncoding: spki }).privateKey;
    const channels = createPushAndSmsChannels(
      {
        ...nothing,
        webPush: { ...vapid, subject: 'mailto:drift@tunet.test' },
        fcm: { projectId: 'tunet', clientEmail: 'tunet@tunet.iam.gserviceaccount.com', privateKey: serviceAccountKey },
        apns: { teamId: 'TEAM123456', keyId: 'KEY1234567', privateKey: apnsKey, topic: 'no.tunet.app' },
        sms: { provider: 'http', url: 'https://sms.tunet.test/send', token: 'secret', from: 'Tunet' },
      },
      bed.subgraph.devicesRepository,
      logger,
    );

    expect(channels).toMatchObject({ webPushPublicKey: vapid.publicKey, fcmEnabled: true, apnsEnabled: true });
    expect(channels.push.available).toBe(true);
    expect(channels.sms.available).toBe(true);
    await channels.push.close();
  });

  it('refuses unusable VAPID keys at start-up rather than at every send', () => {
    expect(() =>
      createPushAndSmsChannels(
        { ...nothing, webPush: { publicKey: 'not-a-key', privateKey: 'not-a-key', subject: 'mailto:drift@tunet.test' } },
        bed.subgraph.devicesRepository,
        logger,
      ),
    ).toThrow();
  });
});
