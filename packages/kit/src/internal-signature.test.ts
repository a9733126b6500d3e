import { encodeContext, signRequest, verifyRequest, type IncomingRequest } from './internal-signature';

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
