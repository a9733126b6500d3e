import { SpanStatusCode } from '@opentelemetry/api';
import { parse } from 'graphql';
import type { RunningServer } from './http-server';
import { InternalRouteError, internalRouteUrl, isUnavailable, postInternalRoute, routeFailure, ServiceUnavailable } from './internal-routes';
import { encodeContext, signRequest } from './internal-signature';
import { createLogger } from './logger';
import { startSubgraphServer } from './subgraph-server';
import { recordSpans, SpanKind } from './tracing.fixtures';
import type { RequestContext } from './viewer';

const SECRET = 'test-secret';
const CONTEXT: RequestContext = { viewer: null, requestId: 'r1', clientIp: '10.0.0.1' };

describe('internal routes of a subgraph', () => {
  let server: RunningServer;
  const seen: { body: unknown; request: RequestContext }[] = [];
  const url = (route: string) => internalRouteUrl(server.url, route);
  const post = (route: string, body: string, headers: Record<string, string> = {}) =>
    fetch(url(route), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const signatureFor = (route: string, body: string, secret = SECRET) =>
    signRequest(secret, { method: 'POST', url: url(route), context: encodeContext(CONTEXT), body });
  const signed = (route: string, body: string) => post(route, body, signatureFor(route, body));

  beforeAll(async () => {
    server = await startSubgraphServer(
      {
        name: 'test',
        typeDefs: parse('type Query { ok: Boolean }'),
        resolvers: [],
        createContext: (request) => request,
        isReady: async () => undefined,
        internalRoutes: {
          'things/echo': async (body, request) => {
            seen.push({ body, request });
            return { echoed: body };
          },
          'things/missing': async () => {
            throw new InternalRouteError(404, 'no such thing');
          },
          'things/broken': async () => {
            throw new Error('connection to 10.0.0.5 refused');
          },
        },
      },
      { port: 0, internalSecret: SECRET, logger: createLogger('test') },
    );
  });
  afterAll(() => server.stop());

  it('serves routes beside /graphql', () => {
    expect(url('things/echo')).toBe(server.url.replace(/graphql$/, 'internal/things/echo'));
  });

  it('refuses unsigned requests and bad signatures with HTTP 401, to known and unknown routes alike', async () => {
    const body = JSON.stringify({ a: 1 });
    for (const route of ['things/echo', 'things/unknown']) expect((await post(route, body)).status).toBe(401);
    const forged = signatureFor('things/echo', body, 'another-secret');
    expect((await post('things/echo', body, forged)).status).toBe(401);
    const otherBody = signatureFor('things/echo', JSON.stringify({ a: 2 }));
    expect((await post('things/echo', body, otherBody)).status).toBe(401);
    expect(seen).toEqual([]);
  });

  it('refuses a signature made for /graphql or for another route, with the same body', async () => {
    const body = JSON.stringify({ query: '{ ok }' });
    const forGraphql = signRequest(SECRET, { method: 'POST', url: server.url, context: encodeContext(CONTEXT), body });
    expect((await post('things/echo', body, forGraphql)).status).toBe(401);
    expect((await post('things/echo', body, signatureFor('things/missing', body))).status).toBe(401);
    expect((await post('things/echo?x=1', body, signatureFor('things/echo', body))).status).toBe(401);
    expect(seen).toEqual([]);
  });

  it('hands a signed request its JSON body and request context', async () => {
    const response = await signed('things/echo', JSON.stringify({ a: 1 }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ echoed: { a: 1 } });
    expect(seen.at(-1)).toEqual({ body: { a: 1 }, request: CONTEXT });
  });

  it('answers the status a route chooses, masks unexpected failures, and knows only its own routes', async () => {
    expect((await signed('things/missing', '{}')).status).toBe(404);
    const broken = await signed('things/broken', '{}');
    expect(broken.status).toBe(500);
    expect(JSON.stringify(await broken.json())).not.toContain('10.0.0.5');
    for (const route of ['things/unknown', 'constructor', 'toString']) expect((await signed(route, '{}')).status).toBe(404);
  });

  it("marks the caller's span as an error when the route answers 5xx, not when it answers 4xx (decision 0060)", async () => {
    const recorded = await recordSpans();
    try {
      for (const route of ['things/broken', 'things/missing']) {
        await postInternalRoute({ graphqlUrl: server.url, route, internalSecret: SECRET, payload: {}, timeoutMs: 5000 });
      }
      const calls = recorded.spans().filter((span) => span.kind === SpanKind.CLIENT);
      expect(calls.map((span) => [span.attributes['tunet.internal_route'], span.attributes['http.response.status_code'], span.status.code])).toEqual([
        ['things/broken', 500, SpanStatusCode.ERROR],
        ['things/missing', 404, SpanStatusCode.UNSET],
      ]);
    } finally {
      await recorded.stop();
    }
  });
});

describe('telling an outage from a fault', () => {
  it('reads fetch failures, timeouts and 5xx answers as a service being unavailable, and nothing else', async () => {
    const refused = await fetch('http://127.0.0.1:1/').catch((error: unknown) => error);
    expect(isUnavailable(refused)).toBe(true);
    expect(isUnavailable(new DOMException('The operation timed out.', 'TimeoutError'))).toBe(true);
    expect(isUnavailable(new Error('step failed', { cause: new ServiceUnavailable('privacy answered HTTP 503') }))).toBe(true);
    expect(isUnavailable(routeFailure('privacy/states', 503))).toBe(true);
    expect(isUnavailable(routeFailure('privacy/states', 400))).toBe(false);
    expect(isUnavailable(new Error('the directory is confused'))).toBe(false);
    expect(isUnavailable('fetch failed')).toBe(false);
  });
});
