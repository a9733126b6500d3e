import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Calendar feed tokens. A token is the association's id (16 bytes, so the feed route knows which tenant to look
 * in without system scope) followed by an HMAC-SHA256 of the association, the member and a stored random nonce,
 * base64url: 64 characters. The HMAC key never reaches the database, which keeps only the nonce and the token's
 * hash, so the URL can be shown again to its member but not rebuilt from a copy of the database.
 */

const TOKEN = /^[A-Za-z0-9_-]{64}$/;

/** The feed key, separate from the gateway signing secret it is derived from. */
export function calendarKeyFrom(secret: string): Buffer {
  return createHmac('sha256', secret).update('tunet calendar feed tokens').digest();
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function feedToken(key: Buffer, associationId: string, memberId: string, nonce: string): string {
  const mac = createHmac('sha256', key).update(`${associationId}:${memberId}:${nonce}`).digest();
  return Buffer.concat([Buffer.from(associationId.replace(/-/g, ''), 'hex'), mac]).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The association a well-formed token names; null for anything else. */
export function associationOfToken(token: string): string | null {
  if (!TOKEN.test(token)) return null;
  const hex = Buffer.from(token, 'base64url').subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
