import webpush from 'web-push';
import type { WebPushConfig } from '../config';
import type { PushDeviceRow } from '../devices/devices.repository';
import { excerpt, networkFailure, PUSH_REQUEST_TIMEOUT_MS, PUSH_TTL_SECONDS, type DeviceResult, type PushMessage, type PushProvider } from './push.provider';

/** Options that only tests need. */
export interface WebPushProviderOptions {
  /** Lets `http:` endpoints through, for a push service on loopback; browsers only ever hand out https ones. */
  allowInsecureEndpoints?: boolean;
}

/**
 * Web Push (RFC 8030) to browsers, signed with VAPID (RFC 8292) and encrypted with aes128gcm (RFC 8291) by the
 * `web-push` library. The request itself goes out with fetch rather than `sendNotification`, which speaks HTTPS
 * only and has no overall timeout.
 */
export class WebPushProvider implements PushProvider {
  readonly label = 'Web Push';
  /** The application server key browsers subscribe with (base64url). */
  readonly vapidPublicKey: string;

  constructor(
    private readonly config: WebPushConfig,
    private readonly options: WebPushProviderOptions = {},
  ) {
    // Bad keys or subject fail at start-up, not as every device's delivery error.
    webpush.getVapidHeaders('https://push.example', config.subject, config.publicKey, config.privateKey, 'aes128gcm');
    this.vapidPublicKey = config.publicKey;
  }

  async send(device: PushDeviceRow, message: PushMessage): Promise<DeviceResult> {
    const refusal = this.checkEndpoint(device.address);
    if (refusal) return { kind: 'refused', reason: refusal };
    if (!device.p256dh || !device.auth) return { kind: 'refused', reason: 'the subscription has no encryption keys' };
    let request: webpush.RequestDetails;
    try {
      request = webpush.generateRequestDetails(
        { endpoint: device.address, keys: { p256dh: device.p256dh, auth: device.auth } },
        JSON.stringify(message),
        {
          vapidDetails: { subject: this.config.subject, publicKey: this.config.publicKey, privateKey: this.config.privateKey },
          TTL: PUSH_TTL_SECONDS,
          urgency: message.important ? 'high' : 'normal',
          contentEncoding: 'aes128gcm',
        },
      );
    } catch (error) {
      return { kind: 'refused', reason: `the subscription's keys are unusable: ${(error as Error).message}` };
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      // fetch sets the length of the body it sends itself
      if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
    }
    let response: Response;
    try {
      response = await fetch(request.endpoint, {
        method: 'POST',
        headers,
        body: request.body,
        redirect: 'error',
        signal: AbortSignal.timeout(PUSH_REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      return networkFailure(error);
    }
    const answer = await response.text().catch(() => '');
    if (response.ok) return { kind: 'ok', providerMessageId: response.headers.get('location') };
    return webPushResult(response.status, answer);
  }

  private checkEndpoint(endpoint: string): string | null {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return 'the subscription endpoint is no URL';
    }
    if (url.protocol === 'https:' || (url.protocol === 'http:' && this.options.allowInsecureEndpoints)) return null;
    return 'the subscription endpoint is not https';
  }
}

/** RFC 8030 §6.2 and §8.2: 404 and 410 mean the subscription is gone for good. */
function webPushResult(status: number, answer: string): DeviceResult {
  const reason = answer ? `${status} ${excerpt(answer)}` : String(status);
  if (status === 404 || status === 410) return { kind: 'invalid', reason: `subscription gone (${reason})` };
  if (status === 429 || status >= 500) return { kind: 'transient', reason };
  return { kind: 'refused', reason };
}
