import { request } from 'node:http';
import { CONTEXT_HEADER } from '@tunet/kit';
import { openE2E, type E2E } from './e2e.fixtures';

interface RawAnswer {
  status: number;
  body: string;
}

/**
 * Sends the request target exactly as written: fetch would resolve `..` and `%2e%2e` segments before sending,
 * which is what an attacker's own client does not do.
 */
function raw(origin: string, method: string, path: string, form?: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(form);
  });
}

describe('public route paths through the gateway', () => {
  let e2e: E2E;
  let gateway: string;
  let subgraphOrigins: string[];
  /**
   * Every request the gateway forwards for a client (its context carries the client's origin) to a subgraph:
   * the stack runs in this process and calls subgraphs with fetch. Subgraphs' own calls to each other have no origin.
   */
  let toSubgraphs: string[];
  let fetchSpy: jest.SpyInstance;

  beforeAll(async () => {
    e2e = await openE2E();
    gateway = new URL(e2e.stack.gatewayUrl).origin;
    subgraphOrigins = Object.values(e2e.stack.subgraphUrls).map((url) => new URL(url).origin);
    const realFetch = globalThis.fetch;
    fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const context = new Headers(init?.headers).get(CONTEXT_HEADER);
      const forClient = context !== null && Buffer.from(context, 'base64url').toString('utf8').includes(`"publicOrigin":"${gateway}"`);
      if (forClient && subgraphOrigins.some((origin) => url.startsWith(origin))) toSubgraphs.push(url);
      return realFetch(input, init);
    });
  });
  beforeEach(() => {
    toSubgraphs = [];
  });
  afterAll(async () => {
    fetchSpy.mockRestore();
    await e2e.close();
  });

  it.each([
    ['GET', '/files/%2e%2e/%2e%2e/healthz'],
    ['GET', '/files/%2E%2E/%2E%2E/readyz'],
    ['GET', '/files/../../healthz'],
    ['GET', '/files/.%2e/.%2e/healthz'],
    ['GET', '/files/%252e%252e/%252e%252e/healthz'],
    ['GET', '/files/%25252e%25252e/%25252e%25252e/healthz'],
    ['GET', '/files/..\\..\\healthz'],
    ['GET', '/files/%2e%2e%5c%2e%2e%5chealthz'],
    ['GET', '/calendar/..%2f..%2fgraphql'],
    ['GET', '/calendar/%2e%2e%252f%2e%2e%252fgraphql'],
    ['GET', '/bookings-calendar/%2e%2e/%2e%2e/internal/api-keys/verify'],
    ['GET', '/unsubscribe/%2e/..%2ftoken'],
  ])('refuses %s %s at the gateway without calling a subgraph', async (method, path) => {
    const answer = await raw(gateway, method, path);
    expect(answer.status).toBe(400);
    expect(answer.body).not.toContain('status');
    expect(toSubgraphs).toEqual([]);
  });

  it.each(['/unsubscribe/%2e%2e/%2e%2e/internal/x', '/unsubscribe/..\\..\\internal\\x', '/unsubscribe/%252e%252e/%252e%252e/stream/inbox'])(
    'refuses a posted form to %s at the gateway without calling notifications',
    async (path) => {
      const answer = await raw(gateway, 'POST', path, 'List-Unsubscribe=One-Click');
      expect(answer.status).toBe(400);
      expect(answer.body).not.toMatch(/internal route|Unauthorized/);
      expect(toSubgraphs).toEqual([]);
    },
  );

  it('still forwards ordinary public links, dots and encoded characters in names included', async () => {
    const answer = await raw(gateway, 'GET', '/files/00000000-0000-4000-8000-000000000000/original?exp=1&sig=x');
    expect(answer.status).toBe(403);
    const named = await raw(gateway, 'GET', '/calendar/..token%20with%25.ics');
    expect(named.status).toBe(404);
    expect(toSubgraphs.map((url) => new URL(url).pathname)).toEqual([
      '/public/files/00000000-0000-4000-8000-000000000000/original',
      '/public/calendar/..token%20with%25.ics',
    ]);
  });
});
