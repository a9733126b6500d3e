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
            async (request) => ({ contentType: 'text/html', body: `<p>page ${request.path}</p>`, headers: { 'content-security-policy': "form-action 'self'" } }),
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
  const call = (method: 'GET' | 'POST', path: string, body = '', headers: Record<string, string> = {}, signedBody = body) =>
    fetch(new URL(`/public${path}`, server.url), {
      method,
      headers: { ...headers, ...signRequest(SECRET, encodeContext({ viewer: null, requestId: 'r1', clientIp: '' }), signedBody) },
      body: method === 'POST' ? body : undefined,
    });

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

  it('refuses a body over 1 kB', async () => {
    const before = posted.length;
    expect((await call('POST', '/form/abc', `x=${'a'.repeat(2048)}`, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(413);
    expect(posted).toHaveLength(before);
  });
});
