import http2, { type ClientHttp2Session } from 'node:http2';
import { importPKCS8, SignJWT, type KeyLike } from 'jose';
import type { ApnsConfig } from '../config';
import type { PushDeviceRow } from '../devices/devices.repository';
import { excerpt, networkFailure, PUSH_REQUEST_TIMEOUT_MS, PUSH_TTL_SECONDS, type DeviceResult, type PushMessage, type PushProvider } from './push.provider';

const APNS_ORIGIN = 'https://api.push.apple.com';
/** Apple refuses provider tokens older than an hour and throttles ones renewed more often than every 20 minutes. */
const PROVIDER_TOKEN_LIFETIME_MS = 50 * 60 * 1000;
/** Answers meaning the token will never reach a device again (besides 410). */
const GONE_REASONS = new Set(['BadDeviceToken', 'Unregistered']);

/**
 * Apple Push Notification service to iOS apps: token-based authentication (an ES256 provider token) over one
 * HTTP/2 session, opened on first use and again after the server closes it (GOAWAY, idle timeout, error).
 */
export class ApnsProvider implements PushProvider {
  readonly label = 'APNs';
  private readonly origin: string;
  private session: ClientHttp2Session | undefined;
  private signingKey: Promise<KeyLike> | undefined;
  private providerToken: { value: string; issuedAt: number } | undefined;

  constructor(
    private readonly config: ApnsConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.origin = config.origin ?? APNS_ORIGIN;
  }

  async send(device: PushDeviceRow, message: PushMessage): Promise<DeviceResult> {
    let token: string;
    try {
      token = await this.token();
    } catch (error) {
      return { kind: 'refused', reason: `the signing key is unusable: ${(error as Error).message}` };
    }
    const payload = JSON.stringify({
      aps: { alert: { title: message.title, body: message.body }, sound: 'default' },
      url: message.url,
      notificationId: message.notificationId,
    });
    let answer: { status: number; apnsId: string | null; body: string };
    try {
      answer = await this.post(`/3/device/${encodeURIComponent(device.address)}`, payload, {
        authorization: `bearer ${token}`,
        'apns-topic': this.config.topic,
        'apns-push-type': 'alert',
        'apns-priority': message.important ? '10' : '5',
        'apns-expiration': String(Math.floor(this.now() / 1000) + PUSH_TTL_SECONDS),
      });
    } catch (error) {
      return networkFailure(error);
    }
    if (answer.status === 200) return { kind: 'ok', providerMessageId: answer.apnsId };
    return this.result(answer.status, answer.body);
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session || session.closed || session.destroyed) return;
    await new Promise<void>((resolve) => session.close(resolve));
  }

  /** https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns */
  private result(status: number, body: string): DeviceResult {
    const reason = parseReason(body);
    const text = `${status} ${reason ?? excerpt(body)}`.trim();
    if (status === 410 || (status === 400 && reason && GONE_REASONS.has(reason))) return { kind: 'invalid', reason: `token gone (${text})` };
    if (status === 403 && reason === 'ExpiredProviderToken') {
      this.providerToken = undefined;
      return { kind: 'transient', reason: text };
    }
    if (status === 429 || status >= 500) return { kind: 'transient', reason: text };
    return { kind: 'refused', reason: text };
  }

  private async token(): Promise<string> {
    if (this.providerToken && this.now() - this.providerToken.issuedAt < PROVIDER_TOKEN_LIFETIME_MS) return this.providerToken.value;
    try {
      this.signingKey ??= importPKCS8(this.config.privateKey, 'ES256');
      const issuedAt = this.now();
      const value = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: this.config.keyId })
        .setIssuer(this.config.teamId)
        .setIssuedAt(Math.floor(issuedAt / 1000))
        .sign(await this.signingKey);
      this.providerToken = { value, issuedAt };
      return value;
    } catch (error) {
      this.signingKey = undefined;
      throw error;
    }
  }

  private post(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; apnsId: string | null; body: string }> {
    return new Promise((resolve, reject) => {
      const stream = this.connection().request({ ':method': 'POST', ':path': path, 'content-type': 'application/json', ...headers });
      let status = 0;
      let apnsId: string | null = null;
      const chunks: Buffer[] = [];
      stream.setTimeout(PUSH_REQUEST_TIMEOUT_MS, () => stream.close(http2.constants.NGHTTP2_CANCEL));
      stream.on('response', (responseHeaders) => {
        status = Number(responseHeaders[':status']);
        const id = responseHeaders['apns-id'];
        apnsId = typeof id === 'string' ? id : null;
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolve({ status, apnsId, body: Buffer.concat(chunks).toString('utf8') }));
      stream.on('error', reject);
      // After 'end' this changes nothing; a cancelled or reset stream closes without it, which is a network failure.
      stream.on('close', () => reject(new Error(`stream closed before the answer was complete (code ${stream.rstCode})`)));
      stream.end(body);
    });
  }

  private connection(): ClientHttp2Session {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return current;
    const session = http2.connect(this.origin);
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    // Requests in flight fail with their own stream errors; the next send opens a new session.
    session.on('error', forget);
    session.on('goaway', forget);
    session.on('close', forget);
    // An idle session must not keep the process alive on shutdown.
    session.unref();
    this.session = session;
    return session;
  }
}

function parseReason(body: string): string | null {
  try {
    const reason = (JSON.parse(body) as { reason?: unknown }).reason;
    return typeof reason === 'string' ? reason : null;
  } catch {
    return null;
  }
}
