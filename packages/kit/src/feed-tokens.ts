import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Tokens of private feed URLs (calendar feeds, decision 0013). A token is the association's id (16 bytes, so the
 * public route knows which tenant to look in without system scope) followed by an HMAC-SHA256 of the association,
 * the subject (a member, or a member and what the feed shows) and a stored random nonce, base64url: 64
 * characters. The HMAC key never reaches the database, which keeps only the nonce and the token's hash, so the URL
 * can be shown again to its member but not rebuilt from a copy of the database.
 */

const TOKEN = /^[A-Za-z0-9_-]{64}$/;

/** A feed key of its own per `purpose`, separate from the gateway signing secret it is derived from. */
export function feedKeyFrom(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(purpose).digest();
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function feedToken(key: Buffer, associationId: string, subject: string, nonce: string): string {
  const mac = createHmac('sha256', key).update(`${associationId}:${subject}:${nonce}`).digest();
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

const FEED_PATH = /^\/([^/]+)\.ics$/;

/**
 * What a feed URL's path `/<token>.ics` names: the association to look in and the hash of the token to look for;
 * null for any other path, so every bad URL gets the same 404.
 */
export function feedLookupOfPath(path: string): { associationId: string; hash: string } | null {
  const token = FEED_PATH.exec(path)?.[1] ?? '';
  const associationId = associationOfToken(token);
  return associationId ? { associationId, hash: tokenHash(token) } : null;
}
