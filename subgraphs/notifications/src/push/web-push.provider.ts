import webpush from 'web-push';
import type { WebPushConfig } from '../config';
import type { PushDeviceRow } from '../devices/devices.repository';
import { pinnedAgents, pinnedPost, type PinnedAnswer } from './pinned-post';
import { excerpt, networkFailure, PUSH_REQUEST_TIMEOUT_MS, PUSH_TTL_SECONDS, type DeviceResult, type PushMessage, type PushProvider } from './push.provider';
import type { PushEndpointPolicy } from './push-endpoints';

/**
 * Web Push (RFC 8030) to browsers, signed with VAPID (RFC 8292) and encrypted with aes128gcm (RFC 8291) by the
 * `web-push` library. The request itself goes out through `pinnedPost` rather than `sendNotification`: the
 * endpoint is a URL a resident chose, so it is checked again before each send and the connection goes to the
 * address that check approved (decision 0017); `sendNotification` would look the host up itself.
 */
export class WebPushProvider implements PushProvider {
  readonly label = 'Web Push';
  /** The application server key browsers subscribe with (base64url). */
  readonly vapidPublicKey: string;
  private readonly agents = pinnedAgents();

  constructor(
    private readonly config: WebPushConfig,
    private readonly endpoints: PushEndpointPolicy,
  ) {
    // Bad keys or subject fail at start-up, not as every device's delivery error.
    webpush.getVapidHeaders('https://push.example', config.subject, config.publicKey, config.privateKey, 'aes128gcm');
    this.vapidPublicKey = config.publicKey;
  }

  async send(device: PushDeviceRow, message: PushMessage): Promise<DeviceResult> {
    // Checked again on every send: a host may resolve elsewhere since the subscription was registered. A refusal
    // is final, as the next attempt would be refused the same way; only a failed lookup is tried again.
    const endpoint = await this.endpoints.check(device.address);
    if (!endpoint.ok) return { kind: endpoint.transient ? 'transient' : 'refused', reason: `endpoint refused: ${endpoint.reason}` };
    if (!device.p256dh || !device.auth) return { kind: 'refused', reason: 'the subscription has no encryption keys' };
    let request: webpush.RequestDetails;
    try {
      request = webpush.generateRequestDetails({ endpoint: device.address, keys: { p256dh: device.p256dh, auth: device.auth } }, JSON.stringify(message), {
        vapidDetails: { subject: this.config.subject, publicKey: this.config.publicKey, privateKey: this.config.privateKey },
        TTL: PUSH_TTL_SECONDS,
        urgency: message.important ? 'high' : 'normal',
        contentEncoding: 'aes128gcm',
      });
    } catch (error) {
      return { kind: 'refused', reason: `the subscription's keys are unusable: ${(error as Error).message}` };
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      // pinnedPost sets the length of the body it sends itself
      if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
    }
    let answer: PinnedAnswer;
    try {
      answer = await pinnedPost(endpoint.target, { headers, body: request.body ?? Buffer.alloc(0), timeoutMs: PUSH_REQUEST_TIMEOUT_MS }, this.agents);
    } catch (error) {
      return networkFailure(error);
    }
    if (answer.status >= 200 && answer.status < 300) {
      const location = answer.headers.location;
      return { kind: 'ok', providerMessageId: typeof location === 'string' ? location : null };
    }
    return webPushResult(answer.status, answer.body);
  }

  async close(): Promise<void> {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/** RFC 8030 §6.2 and §8.2: 404 and 410 mean the subscription is gone for good. */
function webPushResult(status: number, answer: string): DeviceResult {
  const reason = answer ? `${status} ${excerpt(answer)}` : String(status);
  if (status === 404 || status === 410) return { kind: 'invalid', reason: `subscription gone (${reason})` };
  // A redirect could lead anywhere, past the endpoint rules.
  if (status >= 300 && status < 400) return { kind: 'refused', reason: `${reason} (redirects are not followed)` };
  if (status === 429 || status >= 500) return { kind: 'transient', reason };
  return { kind: 'refused', reason };
}
