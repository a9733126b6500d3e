import { createHash, randomBytes, randomInt } from 'node:crypto';

/**
 * The protected link to a terminated association's export (docs/decisions/0037): a URL with a random token, and an
 * access code the operator hands over by another channel (a phone call or SMS to the board's contact, while the
 * link goes by e-mail), so a forwarded or intercepted e-mail alone opens nothing. Both are stored only as SHA-256:
 * they are random (256 and 50 bits), so a slow hash adds nothing, and five wrong codes lock the link.
 */

/** How long a link works at most; the operator issues a new one when it runs out (and the export is still kept). */
export const LINK_DAYS = 7;
/** Wrong codes before the link is locked for good (a new link must be issued). */
export const MAX_FAILED_ATTEMPTS = 5;

/** Crockford's base 32: no I, L, O or U, so a code read aloud or copied by hand survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 10;

export interface IssuedSecrets {
  token: string;
  /** As shown to the operator: two groups of five, e.g. `7KQ2M-X9D4F`. */
  code: string;
  tokenHash: Buffer;
  codeHash: Buffer;
}

export function newLinkSecrets(): IssuedSecrets {
  const token = randomBytes(32).toString('base64url');
  const chars = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  const code = `${chars.slice(0, 5)}-${chars.slice(5)}`;
  return { token, code, tokenHash: sha256(token), codeHash: sha256(normalizeCode(code)) };
}

/** What a person typed, as it was issued: case, spaces and hyphens do not matter, nor the letters Crockford reads as digits. */
export function normalizeCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Until when a link issued at `now` works: seven days, never past the end of the export's availability. */
export function linkExpiry(now: Date, exportAvailableUntil: Date): Date {
  return new Date(Math.min(now.getTime() + LINK_DAYS * 86_400_000, exportAvailableUntil.getTime()));
}

/** Whether a token in a URL can be one of ours at all, before any lookup. */
export const isTokenShaped = (token: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(token);

export type LinkState = 'open' | 'expired' | 'revoked' | 'locked';

export interface LinkFacts {
  expiresAt: Date;
  revokedAt: Date | null;
  failedAttempts: number;
}

/** Whether a stored link may still be tried, and if not, why (the page tells the person what to do). */
export function linkState(link: LinkFacts, now: Date): LinkState {
  if (link.revokedAt) return 'revoked';
  if (link.failedAttempts >= MAX_FAILED_ATTEMPTS) return 'locked';
  if (link.expiresAt <= now) return 'expired';
  return 'open';
}
