import { randomUUID } from 'node:crypto';
import { UnsubscribeTokens, type UnsubscribeScope } from './unsubscribe';

describe('unsubscribe tokens', () => {
  const tokens = new UnsubscribeTokens('one signing secret, long enough for tests');
  const scope: UnsubscribeScope = { associationId: randomUUID(), memberId: randomUUID(), categories: ['events'], locale: 'nb' };

  it('are URL-safe and name their association, member, categories and language', () => {
    const token = tokens.tokenFor(scope);
    expect(token).toMatch(/^[A-Za-z0-9_-]{90}$/);
    expect(tokens.scopeOf(token)).toEqual(scope);
    const digest: UnsubscribeScope = { ...scope, categories: ['news', 'comments', 'service_requests'], locale: 'en' };
    expect(tokens.scopeOf(tokens.tokenFor(digest))).toEqual(digest);
  });

  it('are the same for the same scope, so every e-mail of a category carries one link', () => {
    expect(tokens.tokenFor(scope)).toBe(tokens.tokenFor({ ...scope }));
    expect(tokens.tokenFor({ ...scope, memberId: randomUUID() })).not.toBe(tokens.tokenFor(scope));
  });

  it('name nothing when any character is changed', () => {
    const token = tokens.tokenFor(scope);
    for (let i = 0; i < token.length; i++) {
      const changed = `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
      expect(tokens.scopeOf(changed)).toBeNull();
    }
  });

  it('name nothing under another secret, cut short, lengthened or empty', () => {
    const token = tokens.tokenFor(scope);
    expect(new UnsubscribeTokens('another signing secret').scopeOf(token)).toBeNull();
    expect(tokens.scopeOf(token.slice(0, -1))).toBeNull();
    expect(tokens.scopeOf(`${token}A`)).toBeNull();
    expect(tokens.scopeOf('')).toBeNull();
    expect(tokens.scopeOf('../../etc/passwd')).toBeNull();
  });

  it('refuse to be made for something that is not an id', () => {
    expect(() => tokens.tokenFor({ ...scope, memberId: 'kari' })).toThrow();
  });
});
