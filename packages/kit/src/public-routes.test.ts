import { parse } from 'graphql';
import type { RunningServer } from './http-server';
import { encodeContext, signRequest } from './internal-signature';
import { createLogger } from './logger';
import { publicRouteWithPost, type PublicPostRequest } from './public-routes';
import { startSubgraphServer } from './subgraph-server';

const SECRET = 'public-routes-test-secret';
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { ping: String }
`);

describe('public routes', () => {
  let server: RunningServer;
  const posted: PublicPostRequest[] = [];

  beforeAll(async () => {
    server = await startSubgraphServer(
      {
        name: 'test',
        typeDefs,
        resolvers: [{ Query: { ping: () => 'pong' } }],
        createContext: (request) => request,
        isReady: async () => undefined,
        publicRoutes: {
          download: async (request) => ({ contentType: 'text/plain', body: `file ${request.path}` }),
          form: publicRouteWithPost(
            async (request) => ({
              contentType: 'text/html',
              body: `<p>page ${request.path}</p>`,
              headers: { 'content-security-policy': "form-action 'self'" },
            }),
            async (request) => {
              posted.push(request);
              return { contentType: 'text/plain', body: `done ${request.path}` };
            },
          ),
        },
      },
      { port: 0, internalSecret: SECRET, logger: createLogger('test') },
    );
  });
  afterAll(() => server.stop());

  /** As the gateway forwards a request: signed, with no viewer, over the exact body. */
  const call = (method: 'GET' | 'POST', path: string, body = '', headers: Record<string, string> = {}, signedBody = body) => {
    const url = new URL(`/public${path}`, server.url);
    const context = encodeContext({ viewer: null, requestId: 'r1', clientIp: '' });
    return fetch(url, {
      method,
      headers: { ...headers, ...signRequest(SECRET, { method, url, context, body: signedBody }) },
      body: method === 'POST' ? body : undefined,
    });
  };

  it('answers GET from the route, under a policy that runs nothing unless the route sets its own', async () => {
    const download = await call('GET', '/download/a/b.txt');
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('file /a/b.txt');
    expect(download.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");

    const page = await call('GET', '/form/abc');
    expect(await page.text()).toBe('<p>page /abc</p>');
    expect(page.headers.get('content-security-policy')).toBe("form-action 'self'");
  });

  it('hands a POST to a route that takes one, with its body and content type', async () => {
    const answer = await call('POST', '/form/abc', 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded' });

    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('done /abc');
    expect(posted.at(-1)).toMatchObject({ path: '/abc', body: 'List-Unsubscribe=One-Click', contentType: 'application/x-www-form-urlencoded' });
  });

  it('answers POST to a GET-only route with 405, and an unknown route with 404', async () => {
    const answer = await call('POST', '/download/a.txt', 'x=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET');
    expect((await call('GET', '/nothing/here')).status).toBe(404);
  });

  it('refuses a POST whose body is not the one the gateway signed', async () => {
    const before = posted.length;
    const answer = await call('POST', '/form/abc', 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded' }, 'confirm=yes');
    expect(answer.status).toBe(401);
    expect(posted).toHaveLength(before);
  });

  it('refuses a signature made for another path, query or method', async () => {
    const before = posted.length;
    const context = encodeContext({ viewer: null, requestId: 'r1', clientIp: '' });
    const replay = (method: string, signedFor: string, sentTo: string, body = '') =>
      fetch(new URL(`/public${sentTo}`, server.url), {
        method,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...signRequest(SECRET, { method: 'GET', url: new URL(`/public${signedFor}`, server.url), context, body }),
        },
        body: method === 'POST' ? body : undefined,
      });
    expect((await replay('GET', '/download/a.txt', '/download/b.txt')).status).toBe(401);
    expect((await replay('GET', '/download/a.txt?sig=1', '/download/a.txt?sig=2')).status).toBe(401);
    expect((await replay('GET', '/form/abc', '/download/abc')).status).toBe(401);
    expect((await replay('POST', '/form/abc', '/form/abc', 'List-Unsubscribe=One-Click')).status).toBe(401);
    expect(posted).toHaveLength(before);
  });

  it('refuses a body over 1 kB', async () => {
    const before = posted.length;
    expect((await call('POST', '/form/abc', `x=${'a'.repeat(2048)}`, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(413);
    expect(posted).toHaveLength(before);
  });
});
