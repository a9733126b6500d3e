import { encodeContext, NONCE_HEADER, SIGNATURE_HEADER, signRequest, verifyRequest, type IncomingRequest } from './internal-signature';

const SECRET = 'signature-test-secret';
const context = encodeContext({ viewer: null, requestId: 'r1', clientIp: '' });
const body = JSON.stringify({ key: 'tunet_abc' });

/** What the subgraph sees when the signed headers arrive at `target`. */
const arriving = (headers: Record<string, string>, method: string, target: string): IncomingRequest => ({
  method,
  target,
  headers,
  body: Buffer.from(body),
});

describe('gateway request signatures', () => {
  const headers = signRequest(SECRET, { method: 'POST', url: 'http://members:4001/internal/api-keys/verify', context, body });

  it('verifies on the method and path they were made for, whatever the host a proxy shows', () => {
    expect(verifyRequest(SECRET, arriving(headers, 'POST', '/internal/api-keys/verify'))).toMatchObject({ ok: true });
  });

  it.each([
    ['another method', 'GET', '/internal/api-keys/verify'],
    ['another route', 'POST', '/internal/notifications/recipients'],
    ['/graphql', 'POST', '/graphql'],
    ['the same path with a query', 'POST', '/internal/api-keys/verify?x=1'],
    ['an unresolved form of the path', 'POST', '/internal/api-keys/x/../verify'],
    ['an escaped form of the path', 'POST', '/internal/api-keys%2Fverify'],
    ['the absolute form', 'POST', 'http://members:4001/internal/api-keys/verify'],
  ])('fails on %s', (_what, method, target) => {
    expect(verifyRequest(SECRET, arriving(headers, method, target))).toEqual({ ok: false, reason: 'invalid gateway signature' });
  });

  it('signs the path and query as fetch sends them', () => {
    const signed = signRequest(SECRET, { method: 'get', url: 'http://posts:4002/public/files/a/../b%20c.txt?sig=1', context, body });
    expect(verifyRequest(SECRET, arriving(signed, 'GET', '/public/files/b%20c.txt?sig=1'))).toMatchObject({ ok: true });
  });

  it('refuses a relative URL when signing, so a path cannot be signed without knowing how it is sent', () => {
    expect(() => signRequest(SECRET, { method: 'POST', url: '/graphql', context, body })).toThrow();
  });
});

describe('the nonce of a signature (decision 0054)', () => {
  it('differs between two signatures of the same request in the same millisecond, each valid', () => {
    const request = { method: 'POST', url: 'http://members:4001/internal/api-keys/verify', context, body };
    const [first, second] = [signRequest(SECRET, request, 1000), signRequest(SECRET, request, 1000)];
    expect(first[NONCE_HEADER]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(second[NONCE_HEADER]).not.toBe(first[NONCE_HEADER]);
    expect(second[SIGNATURE_HEADER]).not.toBe(first[SIGNATURE_HEADER]);
    for (const headers of [first, second]) {
      expect(verifyRequest(SECRET, arriving(headers, 'POST', '/internal/api-keys/verify'), 1000)).toMatchObject({ ok: true, nonce: headers[NONCE_HEADER] });
    }
  });

  it('is signed: another nonce with the same signature fails, and a request without one is unsigned', () => {
    const signed = signRequest(SECRET, { method: 'POST', url: 'http://members:4001/internal/api-keys/verify', context, body });
    const otherNonce = { ...signed, [NONCE_HEADER]: 'A'.repeat(22) };
    expect(verifyRequest(SECRET, arriving(otherNonce, 'POST', '/internal/api-keys/verify'))).toEqual({ ok: false, reason: 'invalid gateway signature' });
    const { [NONCE_HEADER]: _, ...withoutNonce } = signed;
    expect(verifyRequest(SECRET, arriving(withoutNonce, 'POST', '/internal/api-keys/verify'))).toEqual({ ok: false, reason: 'missing gateway signature' });
    const malformed = { ...signed, [NONCE_HEADER]: 'short' };
    expect(verifyRequest(SECRET, arriving(malformed, 'POST', '/internal/api-keys/verify'))).toEqual({ ok: false, reason: 'malformed signature nonce' });
  });
});
