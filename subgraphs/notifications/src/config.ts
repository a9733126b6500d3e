/**
 * How the notifications subgraph reaches the outside world. Every provider is optional: without SMTP the e-mails
 * are written to the log (development), without keys push and SMS are simply not offered.
 * Each section is read from the environment by `configFromEnv` (README lists the variables).
 */
export interface NotificationsConfig {
  /** The gateway's public origin, e.g. `https://tunet.example.no`: unsubscribe links lead there. */
  publicOrigin: string;
  /** The web app's origin, where links in e-mails and push open; default `publicOrigin`. */
  webAppOrigin: string;
  email: EmailConfig;
  webPush: WebPushConfig | null;
  fcm: FcmConfig | null;
  apns: ApnsConfig | null;
  sms: SmsConfig | null;
}

export interface EmailConfig {
  /** `smtp://user:pass@host:587` or `smtps://…`; null writes e-mails to the log instead of sending them. */
  smtpUrl: string | null;
  /** The From header, e.g. `Tunet <varsler@tunet.example.no>`. */
  from: string;
}

export interface WebPushConfig {
  /** VAPID keys (base64url), as `web-push generate-vapid-keys` prints them. */
  publicKey: string;
  privateKey: string;
  /** `mailto:` or https URL the push services can reach the sender at. */
  subject: string;
}

export interface FcmConfig {
  /** From the Firebase service account JSON. */
  projectId: string;
  clientEmail: string;
  privateKey: string;
  /** Overridable for tests; default Google's endpoints. */
  apiOrigin?: string;
  tokenUrl?: string;
}

export interface ApnsConfig {
  teamId: string;
  keyId: string;
  /** The .p8 signing key (PEM). */
  privateKey: string;
  /** The app's bundle id, sent as apns-topic. */
  topic: string;
  /** Default `https://api.push.apple.com`; `https://api.sandbox.push.apple.com` for development builds; tests use a loopback h2c origin. */
  origin?: string;
}

export interface SmsConfig {
  /** Which provider implementation; `http` posts JSON to `url` (a small adapter in front of any SMS gateway). */
  provider: 'http';
  url: string;
  token: string;
  /** Sender name or number. */
  from: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): NotificationsConfig {
  const publicOrigin = (env.PUBLIC_ORIGIN ?? 'http://localhost:4000').replace(/\/$/, '');
  return {
    publicOrigin,
    webAppOrigin: (env.WEB_APP_ORIGIN ?? publicOrigin).replace(/\/$/, ''),
    email: { smtpUrl: env.SMTP_URL || null, from: env.MAIL_FROM ?? 'Tunet <varsler@tunet.localhost>' },
    webPush:
      env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY
        ? { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject: env.VAPID_SUBJECT ?? 'mailto:drift@tunet.localhost' }
        : null,
    fcm:
      env.FCM_PROJECT_ID && env.FCM_CLIENT_EMAIL && env.FCM_PRIVATE_KEY
        ? { projectId: env.FCM_PROJECT_ID, clientEmail: env.FCM_CLIENT_EMAIL, privateKey: env.FCM_PRIVATE_KEY.replace(/\\n/g, '\n') }
        : null,
    apns:
      env.APNS_TEAM_ID && env.APNS_KEY_ID && env.APNS_PRIVATE_KEY && env.APNS_TOPIC
        ? {
            teamId: env.APNS_TEAM_ID,
            keyId: env.APNS_KEY_ID,
            privateKey: env.APNS_PRIVATE_KEY.replace(/\\n/g, '\n'),
            topic: env.APNS_TOPIC,
            origin: env.APNS_ORIGIN,
          }
        : null,
    sms: env.SMS_URL && env.SMS_TOKEN ? { provider: 'http', url: env.SMS_URL, token: env.SMS_TOKEN, from: env.SMS_FROM ?? 'Tunet' } : null,
  };
}
