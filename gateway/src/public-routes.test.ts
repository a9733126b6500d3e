import { createServer, request, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createLogger, publicRouteWithPost, startSubgraphServer, type PublicPostRequest, type RunningServer } from '@tunet/kit';
import express from 'express';
import { parse } from 'graphql';
import { mountPublicRoutes } from './public-routes';

const SECRET = 'gateway-public-routes-test-secret';

describe('public routes through the gateway', () => {
  let subgraph: RunningServer;
  let gateway: Server;
  let origin: string;
  const posted: PublicPostRequest[] = [];

  beforeAll(async () => {
    // A real subgraph server, so the gateway's signature over each body is checked as in production.
    subgraph = await startSubgraphServer(
      {
        name: 'test',
        typeDefs: parse(`
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
          type Query { ping: String }
        `),
        resolvers: [{ Query: { ping: () => 'pong' } }],
        createContext: (request) => request,
        isReady: async () => undefined,
        publicRoutes: {
          files: async (request) => ({ contentType: 'text/plain', body: `file ${request.path}` }),
          unsubscribe: publicRouteWithPost(
            async (request) => ({
              contentType: 'text/html; charset=utf-8',
              body: `<p>page ${request.path} for ${request.context.publicOrigin}</p>`,
              headers: { 'content-security-policy': "default-src 'none'; form-action 'self'", 'referrer-policy': 'no-referrer' },
            }),
            async (request) => {
              posted.push(request);
              return { contentType: 'text/html; charset=utf-8', body: '<p>done</p>' };
            },
          ),
        },
      },
      { port: 0, internalSecret: SECRET, logger: createLogger('test') },
    );
    const app = express();
    mountPublicRoutes(app, { subgraphUrl: () => subgraph.url, timeoutMs: () => 10_000, internalSecret: SECRET, logger: createLogger('test') });
    gateway = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    origin = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => gateway.close(resolve));
    await subgraph.stop();
  });

  const oneClick = (path: string, body = 'List-Unsubscribe=One-Click', contentType = 'application/x-www-form-urlencoded') =>
    fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('forwards GET of an unsubscribe link to notifications and passes its page’s policy on', async () => {
    const answer = await fetch(`${origin}/unsubscribe/tok123`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe(`<p>page /tok123 for ${origin}</p>`);
    expect(answer.headers.get('content-security-policy')).toBe("default-src 'none'; form-action 'self'");
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('lets the web app on another site show what a public route serves (decision 0053), with the file’s own sandbox', async () => {
    const answer = await fetch(`${origin}/files/portrait.jpg`);
    expect(answer.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(answer.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('forwards a one-click POST with its body, signed', async () => {
    const answer = await oneClick('/unsubscribe/tok123');
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('<p>done</p>');
    expect(posted.at(-1)).toMatchObject({
      path: '/tok123',
      body: 'List-Unsubscribe=One-Click',
      contentType: 'application/x-www-form-urlencoded',
    });
  });

  it('forwards a one-click sent as multipart form data', async () => {
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const answer = await fetch(`${origin}/unsubscribe/tok456`, { method: 'POST', body: form });
    expect(answer.status).toBe(200);
    expect(posted.at(-1)?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(posted.at(-1)?.body).toContain('name="List-Unsubscribe"\r\n\r\nOne-Click\r\n');
  });

  it('refuses a POST that is not a form, or is larger than 1 kB, without bothering the subgraph', async () => {
    const before = posted.length;
    const json = await oneClick('/unsubscribe/tok123', '{"List-Unsubscribe":"One-Click"}', 'application/json');
    expect(json.status).toBe(415);
    const large = await oneClick('/unsubscribe/tok123', `List-Unsubscribe=One-Click&x=${'a'.repeat(2048)}`);
    expect(large.status).toBe(413);
    expect(await large.text()).toBe('The form is too large.');
    expect(posted).toHaveLength(before);
  });

  /** fetch would resolve `..` and `%2e%2e` before sending; an attacker's client sends the path as written. */
  const rawStatus = (method: string, path: string, form?: string) =>
    new Promise<number>((resolve, reject) => {
      const headers = form ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
      const { hostname, port } = new URL(origin);
      request({ hostname, port, path, method, headers }, (res) => resolve(res.resume().statusCode ?? 0))
        .on('error', reject)
        .end(form);
    });

  it('refuses a path that leaves its prefix once decoded, before calling the subgraph', async () => {
    const before = posted.length;
    expect(await rawStatus('POST', '/unsubscribe/%2e%2e/%2e%2e/internal/x', 'List-Unsubscribe=One-Click')).toBe(400);
    expect(await rawStatus('POST', '/unsubscribe/tok/%252e%252e/tok2', 'List-Unsubscribe=One-Click')).toBe(400);
    expect(await rawStatus('GET', '/files/..%5c..%5chealthz')).toBe(400);
    expect(posted).toHaveLength(before);
    expect(await (await fetch(`${origin}/files/a..b/.c%2520d`)).text()).toBe('file /a..b/.c%2520d');
  });

  it('forwards POST only for the prefixes that take a form', async () => {
    expect((await oneClick('/files/a.txt')).status).toBe(404);
    expect(await (await fetch(`${origin}/files/a.txt`)).text()).toBe('file /a.txt');
  });
});

describe('a public route whose subgraph is down', () => {
  const UNAVAILABLE = 'Tjenesten er ikke tilgjengelig akkurat nå. Prøv igjen om litt. / The service is unavailable right now. Try again shortly.';

  /** The gateway's answer to GET /files/a.txt when posts is `subgraph`: a server started for the one request. */
  async function answerWith(subgraph: NetServer): Promise<{ status: number; retryAfter: string | null; text: string }> {
    await new Promise<void>((resolve) => subgraph.listen(0, '127.0.0.1', resolve));
    const app = express();
    const port = (subgraph.address() as AddressInfo).port;
    mountPublicRoutes(app, {
      subgraphUrl: () => `http://127.0.0.1:${port}/graphql`,
      timeoutMs: () => 10_000,
      internalSecret: SECRET,
      logger: createLogger('test'),
    });
    const gateway = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const answer = await fetch(`http://127.0.0.1:${(gateway.address() as AddressInfo).port}/files/a.txt`);
      return { status: answer.status, retryAfter: answer.headers.get('retry-after'), text: await answer.text() };
    } finally {
      await new Promise((resolve) => gateway.close(resolve));
      await new Promise((resolve) => subgraph.close(resolve));
    }
  }

  it('answers 503 in Norwegian and English with Retry-After when the connection is cut, as an outage the person can wait out', async () => {
    // Accepts and cuts every connection, as a process that is going down does.
    expect(await answerWith(createNetServer((socket) => socket.destroy()))).toEqual({ status: 503, retryAfter: '5', text: UNAVAILABLE });
  });

  it("answers the same 503 instead of a load balancer's own 502 page", async () => {
    const balancer = createServer((_request, response) => response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502 Bad Gateway</h1>'));
    expect(await answerWith(balancer)).toEqual({ status: 503, retryAfter: '5', text: UNAVAILABLE });
  });

  it('answers the same 503 when the subgraph goes away in the middle of a file', async () => {
    const dying = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000' });
      response.write(Buffer.alloc(100));
      setTimeout(() => response.destroy(), 20);
    });
    expect(await answerWith(dying)).toEqual({ status: 503, retryAfter: '5', text: UNAVAILABLE });
  });
});
