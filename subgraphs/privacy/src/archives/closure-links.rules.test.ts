import { isTokenShaped, linkExpiry, linkState, newLinkSecrets, normalizeCode, sha256 } from './closure-links.rules';

describe('closure export link secrets and states', () => {
  it('issues a 256-bit token and a ten-character code kept only as hashes, the code matching however it is typed', () => {
    const issued = newLinkSecrets();
    expect(isTokenShaped(issued.token)).toBe(true);
    expect(issued.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(issued.tokenHash.equals(sha256(issued.token))).toBe(true);
    const typed = ` ${issued.code.toLowerCase().replace('-', ' ')} `;
    expect(sha256(normalizeCode(typed)).equals(issued.codeHash)).toBe(true);
    expect(newLinkSecrets().code).not.toBe(issued.code);
  });

  it('reads the letters people confuse with digits as those digits', () => {
    expect(normalizeCode('o1l-iO')).toBe('01110');
  });

  it('refuses a token of the wrong shape before any lookup', () => {
    expect(isTokenShaped('x'.repeat(42))).toBe(false);
    expect(isTokenShaped('../'.repeat(15))).toBe(false);
  });

  it('lasts seven days, but never past the end of the export', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    expect(linkExpiry(now, new Date('2026-06-01T22:00:00Z'))).toEqual(new Date('2026-03-17T12:00:00Z'));
    expect(linkExpiry(now, new Date('2026-03-12T23:00:00Z'))).toEqual(new Date('2026-03-12T23:00:00Z'));
  });

  it('is open until it expires, is revoked or locked after five wrong codes', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    const link = { expiresAt: new Date('2026-03-11T00:00:00Z'), revokedAt: null, failedAttempts: 4 };
    expect(linkState(link, now)).toBe('open');
    expect(linkState({ ...link, failedAttempts: 5 }, now)).toBe('locked');
    expect(linkState({ ...link, revokedAt: now }, now)).toBe('revoked');
    expect(linkState(link, new Date('2026-03-11T00:00:00Z'))).toBe('expired');
  });
});
