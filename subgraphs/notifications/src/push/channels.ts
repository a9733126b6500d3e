import type { Logger } from '@tunet/kit';
import type { NotificationsConfig } from '../config';
import type { DevicesRepository } from '../devices/devices.repository';
import { SmsChannel } from '../sms/sms.channel';
import { createSmsProvider } from '../sms/sms.provider';
import { ApnsProvider } from './apns.provider';
import { FcmProvider } from './fcm.provider';
import { PushChannel } from './push.channel';
import { PushEndpointPolicy } from './push-endpoints';
import { WebPushProvider } from './web-push.provider';

/** The push and SMS senders, and what clients need to know to register for push. */
export interface PushAndSmsChannels {
  push: PushChannel;
  sms: SmsChannel;
  /** The VAPID key browsers subscribe with; null when Web Push is not configured. */
  webPushPublicKey: string | null;
  /** Where subscriptions may lead, checked at registration as the Web Push provider checks it when sending. */
  webPushEndpoints: PushEndpointPolicy;
  fcmEnabled: boolean;
  apnsEnabled: boolean;
}

/** Builds the push providers and the SMS provider that the configuration names; the rest are left out. */
export function createPushAndSmsChannels(config: NotificationsConfig, devices: DevicesRepository, logger: Logger): PushAndSmsChannels {
  const webPushEndpoints = new PushEndpointPolicy(config.webPush?.endpoints);
  const web = config.webPush ? new WebPushProvider(config.webPush, webPushEndpoints) : null;
  const fcm = config.fcm ? new FcmProvider(config.fcm) : null;
  const apns = config.apns ? new ApnsProvider(config.apns) : null;
  const push = new PushChannel(devices, { web, fcm, apns }, config.webAppOrigin, logger);
  const sms = new SmsChannel(createSmsProvider(config.sms), config.webAppOrigin);
  logger.info(
    { webPush: web !== null, webPushHosts: web ? webPushEndpoints.rules.hosts : [], fcm: fcm !== null, apns: apns !== null, sms: sms.available },
    'notification channels configured',
  );
  return { push, sms, webPushPublicKey: web?.vapidPublicKey ?? null, webPushEndpoints, fcmEnabled: fcm !== null, apnsEnabled: apns !== null };
}
