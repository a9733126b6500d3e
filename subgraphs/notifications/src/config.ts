/**
 * How the notifications subgraph reaches the outside world. Every provider is optional: without SMTP the e-mails
 * are written to the log (development), without keys push and SMS are simply not offered.
 * Each section is read from the environment by `configFromEnv` (README lists the variables).
 */
export interface NotificationsConfig {
  /** The gateway's public origin, e.g. `https://tunet.example.no`: unsubscribe links lead there. */
  publicOrigin: string;
  /** The web app's origin, where links in e-mails and push open; default `publicOrigin` (embedded only, see `requiredOrigins`). */
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
  /** Where subscriptions may lead; what is left out is the production default (decision 0017). */
  endpoints?: Partial<PushEndpointRules>;
}

/** Host name to addresses, as `dns.promises.lookup(host, { all: true })` answers. */
export type ResolveHost = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

/**
 * What a browser's push subscription URL may lead to: a resident chooses it and the server posts to it, so it must
 * not reach into the server's own networks. Only `hosts` is read from the environment; tests replace the rest to
 * reach a push service on loopback.
 */
export interface PushEndpointRules {
  /** Host names (`*.example.com` covers subdomains, `*` any host); default the browsers' push services. */
  hosts: readonly string[];
  /** Default `https:` only. */
  schemes: readonly string[];
  /** Default 443 only: every push service listens there. */
  ports: readonly number[];
  /** Whether the server may connect to an address the host resolves to; default public unicast addresses only. */
  isAllowedAddress: (address: string) => boolean;
  /** Default the system resolver. */
  resolve: ResolveHost;
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
        ? {
            publicKey: env.VAPID_PUBLIC_KEY,
            privateKey: env.VAPID_PRIVATE_KEY,
            subject: env.VAPID_SUBJECT ?? 'mailto:drift@tunet.localhost',
            endpoints: env.WEB_PUSH_ENDPOINT_HOSTS ? { hosts: listOf(env.WEB_PUSH_ENDPOINT_HOSTS) } : {},
          }
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

/**
 * A production process must send e-mails (main.ts): without SMTP_URL they would be written to the log at info,
 * password-reset and invitation links included, and counted as sent. Throws, naming the variable, when NODE_ENV is
 * production and SMTP_URL is unset; development (`npm start`, tests) keeps logging them.
 */
export function requireSmtpInProduction(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_ENV !== 'production' || env.SMTP_URL?.trim()) return;
  throw new Error(
    "Missing environment variable SMTP_URL: with NODE_ENV=production e-mails (password-reset and invitation links among them) must be sent, not written to the log. Set SMTP_URL=smtp://user:password@host:587 (or smtps://…). See the README's configuration table.",
  );
}

/**
 * The origins a production process must be given (main.ts): without WEB_APP_ORIGIN every link in an e-mail, push or
 * text message would lead to the gateway, where no page of the app is, and without PUBLIC_ORIGIN unsubscribe links
 * would lead to localhost. Only `npm start` (embedded, development) falls back to localhost. Throws, naming the
 * variable, when one is missing or not an origin (`https://host[:port]`, no path; `http:` only for localhost).
 */
export function requiredOrigins(env: NodeJS.ProcessEnv = process.env): Pick<NotificationsConfig, 'publicOrigin' | 'webAppOrigin'> {
  return {
    publicOrigin: originFrom(env, 'PUBLIC_ORIGIN', "the gateway's public origin, where unsubscribe links lead"),
    webAppOrigin: originFrom(env, 'WEB_APP_ORIGIN', 'the web app, where links in e-mails, push and text messages open'),
  };
}

function originFrom(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`Missing environment variable ${name}: ${what}, e.g. https://tunet.example.no. See the README's configuration table.`);
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // Not a URL at all: refused below with the same message.
  }
  // Compared after normalising, so https://Tunet.example.no:443/ is https://tunet.example.no.
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new Error(`${name} must be an origin such as https://tunet.example.no (scheme and host, no path), not ${JSON.stringify(value)}.`);
  }
  // Links in e-mails carry one-time tokens and lead to a login page: plain http only on this machine (a local trial).
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new Error(`${name} must use https: (http only for localhost), not ${JSON.stringify(value)}.`);
  }
  return url.origin;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function listOf(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
