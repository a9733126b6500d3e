import { randomBytes, randomUUID } from 'node:crypto';
import { associationOfToken, feedKeyFrom, feedLookupOfPath, feedToken, newNonce, tokenHash } from './feed-tokens';

describe('feed tokens', () => {
  const key = randomBytes(32);
  const associationId = randomUUID();
  const memberId = randomUUID();

  it('are URL-safe, name their association, and are the same for the same nonce', () => {
    const nonce = newNonce();
    const token = feedToken(key, associationId, memberId, nonce);
    expect(token).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(associationOfToken(token)).toBe(associationId);
    expect(feedToken(key, associationId, memberId, nonce)).toBe(token);
  });

  it('change with the nonce, the subject, the key and its purpose', () => {
    const nonce = newNonce();
    const token = feedToken(key, associationId, memberId, nonce);
    expect(feedToken(key, associationId, memberId, newNonce())).not.toBe(token);
    expect(feedToken(key, associationId, randomUUID(), nonce)).not.toBe(token);
    expect(feedToken(randomBytes(32), associationId, memberId, nonce)).not.toBe(token);
    expect(feedKeyFrom('one secret', 'calendar')).not.toEqual(feedKeyFrom('another secret', 'calendar'));
    expect(feedKeyFrom('one secret', 'calendar')).not.toEqual(feedKeyFrom('one secret', 'bookings calendar'));
  });

  it('hash to a value that does not contain the token', () => {
    const token = feedToken(key, associationId, memberId, newNonce());
    expect(tokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(token)).not.toContain(token);
  });

  it.each(['', 'short', `${'a'.repeat(63)}!`, 'a'.repeat(65), '../../etc/passwd'])('name no association when malformed: %j', (token) => {
    expect(associationOfToken(token)).toBeNull();
  });

  it('read a feed URL path as the association to look in and the hash to look for', () => {
    const token = feedToken(key, associationId, memberId, newNonce());
    expect(feedLookupOfPath(`/${token}.ics`)).toEqual({ associationId, hash: tokenHash(token) });
  });

  it.each(['/short.ics', '/a/b.ics', '/TOKEN', ''])('find nothing at another path: %j', (path) => {
    expect(feedLookupOfPath(path.replace('TOKEN', feedToken(key, associationId, memberId, newNonce())))).toBeNull();
  });
});
