import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * A device token says "this browser or app logged in to this account before" (decision 0003). It is no credential
 * on its own, only an exemption from the per-account throttle that strangers' failures cause. It is stateless: an
 * HMAC over the account, a device id and an expiry, so nothing is stored and nothing leaks the account's id.
 */
export class DeviceTokens {
  private readonly key: Buffer;

  /** The key is derived from the members subgraph's token-signing key, so it needs no secret of its own. */
  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'tunet', 'device token', 32));
  }

  /** A token for the account, keeping the device id of a device that had one already. */
  issue(accountId: string, deviceId: string = randomUUID()): string {
    const body = `${deviceId}.${Math.floor(Date.now() / 1000) + this.ttlSeconds}`;
    return `${body}.${this.mac(accountId, body)}`;
  }

  /** The device id, when the token was issued for this account and has not expired; null otherwise. */
  deviceOf(accountId: string, token: string): string | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [deviceId, expires, mac] = parts as [string, string, string];
    const expected = Buffer.from(this.mac(accountId, `${deviceId}.${expires}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return Number(expires) * 1000 > Date.now() ? deviceId : null;
  }

  private mac(accountId: string, body: string): string {
    return createHmac('sha256', this.key).update(`${accountId}.${body}`).digest('base64url');
  }
}
