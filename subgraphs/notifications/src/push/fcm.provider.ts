import { importPKCS8, SignJWT, type KeyLike } from 'jose';
import type { FcmConfig } from '../config';
import type { PushDeviceRow } from '../devices/devices.repository';
import { excerpt, networkFailure, PUSH_REQUEST_TIMEOUT_MS, PUSH_TTL_SECONDS, type DeviceResult, type PushMessage, type PushProvider } from './push.provider';

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const FCM_ORIGIN = 'https://fcm.googleapis.com';
/** Google's access tokens live an hour; a new one is fetched this long before the old one runs out. */
const TOKEN_MARGIN_MS = 5 * 60 * 1000;

/** Why the access token could not be had; `transient` when asking again later may work. */
class TokenFailure extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

interface FcmError {
  error?: { code?: number; status?: string; message?: string; details?: { errorCode?: string }[] };
}

/**
 * Firebase Cloud Messaging HTTP v1 to Android apps. Signs in as the service account with the OAuth 2.0 JWT grant
 * (RFC 7523) and keeps the access token until shortly before it expires.
 */
export class FcmProvider implements PushProvider {
  readonly label = 'FCM';
  private readonly tokenUrl: string;
  private readonly sendUrl: string;
  private signingKey: Promise<KeyLike> | undefined;
  private token: { value: string; expiresAt: number } | undefined;
  /** One sign-in at a time: devices sent to in parallel share it. */
  private pendingToken: Promise<string> | undefined;

  constructor(
    private readonly config: FcmConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.tokenUrl = config.tokenUrl ?? GOOGLE_TOKEN_URL;
    this.sendUrl = `${(config.apiOrigin ?? FCM_ORIGIN).replace(/\/$/, '')}/v1/projects/${encodeURIComponent(config.projectId)}/messages:send`;
  }

  async send(device: PushDeviceRow, message: PushMessage): Promise<DeviceResult> {
    let accessToken: string;
    try {
      accessToken = await this.accessToken();
    } catch (error) {
      if (error instanceof TokenFailure) return { kind: error.transient ? 'transient' : 'refused', reason: error.message };
      return networkFailure(error);
    }
    const body = {
      message: {
        token: device.address,
        notification: { title: message.title, body: message.body },
        // FCM data values must be strings
        data: { url: message.url, notificationId: message.notificationId, category: message.category, important: String(message.important) },
        android: { priority: message.important ? 'HIGH' : 'NORMAL', ttl: `${PUSH_TTL_SECONDS}s` },
      },
    };
    let response: Response;
    try {
      response = await fetch(this.sendUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(PUSH_REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      return networkFailure(error);
    }
    const answer = await response.text().catch(() => '');
    if (response.ok) return { kind: 'ok', providerMessageId: parseJson<{ name?: string }>(answer)?.name ?? null };
    if (response.status === 401) {
      // Revoked or expired early: sign in afresh on the next attempt.
      this.token = undefined;
      return { kind: 'transient', reason: `401 ${excerpt(answer)}` };
    }
    return fcmResult(response.status, answer);
  }

  private accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - TOKEN_MARGIN_MS > this.now()) return Promise.resolve(this.token.value);
    this.pendingToken ??= this.signIn().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async signIn(): Promise<string> {
    let assertion: string;
    try {
      this.signingKey ??= importPKCS8(this.config.privateKey, 'RS256');
      const issuedAt = Math.floor(this.now() / 1000);
      assertion = await new SignJWT({ scope: SCOPE })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
        .setIssuer(this.config.clientEmail)
        .setAudience(this.tokenUrl)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + 3600)
        .sign(await this.signingKey);
    } catch (error) {
      this.signingKey = undefined;
      throw new TokenFailure(`the service account's private key is unusable: ${(error as Error).message}`, false);
    }
    const response = await fetch(this.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
      signal: AbortSignal.timeout(PUSH_REQUEST_TIMEOUT_MS),
    });
    const answer = await response.text().catch(() => '');
    if (!response.ok) {
      const transient = response.status === 429 || response.status >= 500;
      throw new TokenFailure(`sign-in answered ${response.status} ${excerpt(answer)}`, transient);
    }
    const token = parseJson<{ access_token?: string; expires_in?: number }>(answer);
    if (!token?.access_token) throw new TokenFailure('sign-in answered without an access token', true);
    this.token = { value: token.access_token, expiresAt: this.now() + (token.expires_in ?? 3600) * 1000 };
    return token.access_token;
  }
}

/** https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode */
function fcmResult(status: number, answer: string): DeviceResult {
  const error = parseJson<FcmError>(answer)?.error;
  const codes = (error?.details ?? []).map((detail) => detail.errorCode).filter(Boolean);
  const reason = `${status} ${[error?.status, ...codes].filter(Boolean).join('/')}: ${excerpt(error?.message ?? answer)}`;
  if (status === 404 || codes.includes('UNREGISTERED')) return { kind: 'invalid', reason: `token gone (${reason})` };
  const aboutToken = /registration token|message\.token/i.test(error?.message ?? '');
  if ((error?.status === 'INVALID_ARGUMENT' || codes.includes('INVALID_ARGUMENT')) && aboutToken) {
    return { kind: 'invalid', reason: `token invalid (${reason})` };
  }
  if (status === 429 || status >= 500) return { kind: 'transient', reason };
  return { kind: 'refused', reason };
}

function parseJson<T>(text: string): T | null {
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
