import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import {
  AccessTokenSigner,
  AccessTokenVerifier,
  createLogger,
  createProbedApp,
  errorReasons,
  generateSecrets,
  RevocationReader,
  serve,
  type FastStore,
  type MessageLocale,
  type ProbeState,
  startSubgraphServer,
  type RunningServer,
  type Viewer,
} from '@tunet/kit';
import { eventually } from '@tunet/kit/src/events/events.fixtures';
import type { Response as ExpressResponse } from 'express';
import { parse } from 'graphql';
import { ApiKeyAuthenticator } from './api-keys';
import { CallerLimits } from './caller-limits';
import { EntitlementsLookup } from './entitlements';
import { mountInboxStream, STREAM_PATH } from './stream';
import { STREAMS_PER_PERSON } from './stream-guard';

const SECRET = 'gateway-stream-test-secret';
const TIMEOUT_MS = 3000;
const logger = createLogger('gateway-stream-test');
const member: Viewer = {
  accountId: randomUUID(),
  associationId: randomUUID(),
  memberId: randomUUID(),
  role: 'resident',
  platformAdmin: false,
  sessionId: null,
};

/** A client's view of a stream: what arrived so far, read until some text shows up or the stream ends. */
class StreamText {
  text = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();

  constructor(response: Response) {
    this.reader = response.body!.getReader();
  }

  /** Reads until `expected` has arrived. */
  async until(expected: string): Promise<void> {
    while (!this.text.includes(expected)) {
      const { done, value } = await this.reader.read();
      if (done) throw new Error(`the stream ended before ${expected} arrived; it had ${this.text}`);
      this.text += this.decoder.decode(value, { stream: true });
    }
  }

  /** Resolves once the server ended the stream cleanly; rejects if the connection broke off. */
  async end(): Promise<void> {
    for (;;) if ((await this.reader.read()).done) return;
  }
}

describe('the inbox stream at the gateway', () => {
  let upstream: RunningServer;
  let gateway: RunningServer;
  let gatewayStopped: boolean;
  let signer: AccessTokenSigner;
  /** The notifications subgraph's open streams, as its stream route holds them. */
  const open = new Set<ExpressResponse>();
  let upstreamCalls: number;
  const hangUps: AbortController[] = [];
  /** Where the gateway finds notifications: the stand-in, or one that is down. */
  let notificationsAt: string;
  let gatewayProbe: ProbeState;
  let entitlements: EntitlementsLookup;
  let idleMs: number | undefined;

  beforeAll(async () => {
    const secrets = await generateSecrets();
    signer = await AccessTokenSigner.fromPem(secrets.jwtPrivateKey);
    // Stands in for notifications: echoes the verified viewer, entitlements and body it got, then holds the stream open.
    upstream = await startSubgraphServer(
      {
        name: 'notifications',
        typeDefs: parse('type Query { ok: Boolean }'),
        resolvers: [],
        createContext: (request) => request,
        isReady: async () => undefined,
        streamRoutes: {
          inbox: async (req, res, context) => {
            upstreamCalls++;
            if (!context.viewer) {
              return void res.status(401).json({ errors: [{ message: 'Log in.', extensions: { code: 'UNAUTHENTICATED', reason: 'NOT_LOGGED_IN' } }] });
            }
            res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
            const echo = { memberId: context.viewer.memberId, entitlements: context.entitlements, body: req.body };
            res.write(`event: next\ndata: ${JSON.stringify(echo)}\n\n`);
            open.add(res);
            await new Promise((resolve) => res.once('close', resolve));
            open.delete(res);
          },
        },
      },
      { port: 0, internalSecret: SECRET, logger },
    );
    const verifier = await AccessTokenVerifier.fromPem(secrets.jwtPublicKey);
    const probed = createProbedApp(async () => undefined);
    gatewayProbe = probed.probe;
    const store: FastStore = { kind: 'memory', namespace: 'test' };
    entitlements = await EntitlementsLookup.open(store, async (associationId) => ({ associationId, features: ['base', 'sms'], limits: {} }), logger);
    mountInboxStream(probed.app, {
      authenticators: { accessTokens: verifier, apiKeys: new ApiKeyAuthenticator(store, async () => null), revocations: await RevocationReader.open(store) },
      callerLimits: new CallerLimits(store),
      entitlements,
      introspection: false,
      store,
      notificationsUrl: () => notificationsAt,
      // Short enough for the cases of a replica that stalls; the stand-in answers at once.
      timeoutMs: TIMEOUT_MS,
      // Read as each stream starts: the case of a replica frozen mid-stream shortens it.
      get idleMs() {
        return idleMs;
      },
      internalSecret: SECRET,
      probe: probed.probe,
      logger,
    });
    // What Apollo's drain does for the real gateway: stop listening, then wait for the open connections to end.
    gateway = await serve(probed, { stop: () => new Promise<void>((resolve) => probed.httpServer.close(() => resolve())) }, 0);
    gatewayStopped = false;
  });
  afterAll(async () => {
    if (!gatewayStopped) await gateway.stop();
    await upstream.stop();
  });
  beforeEach(() => {
    upstreamCalls = 0;
    notificationsAt = upstream.url;
    gatewayProbe.draining = false;
    idleMs = undefined;
  });
  afterEach(async () => {
    for (const hangUp of hangUps.splice(0)) hangUp.abort();
    await eventually(() => expect(open.size).toBe(0));
  });

  const body = JSON.stringify({ query: 'subscription { inboxUpdated { unreadCount } }', variables: { ø: 'æ' } });
  const openStream = async (authorization?: string, language?: MessageLocale) => {
    const hangUp = new AbortController();
    hangUps.push(hangUp);
    const response = await fetch(new URL(STREAM_PATH, gateway.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(authorization ? { authorization } : {}),
        ...(language ? { 'accept-language': language } : {}),
      },
      body,
      signal: hangUp.signal,
    });
    return { response, hangUp };
  };
  const tokenFor = async (viewer: Viewer) => `Bearer ${(await signer.sign(viewer, 300)).token}`;

  it("forwards the exact body signed with the viewer and their association's entitlements, and pipes the events back unbuffered", async () => {
    const { response } = await openStream(await tokenFor(member));

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    // Arrives while the upstream stream is still open: nothing waits for its end.
    const entitlements = { associationId: member.associationId, features: ['base', 'sms'], limits: {} };
    await new StreamText(response).until(JSON.stringify({ memberId: member.memberId, entitlements, body: JSON.parse(body) }));
  });

  it("passes the subgraph's refusal on with its status, in the language the caller asked for", async () => {
    const asIs = await openStream();
    const inNorwegian = await openStream(undefined, 'nb');

    expect(asIs.response.status).toBe(401);
    expect(await asIs.response.json()).toEqual({
      errors: [{ message: 'Log in.', extensions: { code: 'UNAUTHENTICATED', reason: 'NOT_LOGGED_IN', requestId: expect.any(String) } }],
    });
    expect(inNorwegian.response.status).toBe(401);
    expect(await inNorwegian.response.json()).toMatchObject({ errors: [{ message: errorReasons.NOT_LOGGED_IN.nb() }] });
  });

  /** Points the gateway at `stub` for one case; it is closed afterwards. */
  const through = async (stub: Promise<{ url: string; close: () => Promise<void> }>) => {
    const { url, close } = await stub;
    stubs.push(close);
    notificationsAt = url;
  };
  const stubs: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of stubs.splice(0)) await close();
  });
  const masked = { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) } }] };

  describe("graphql-sse's protocol errors, which have no code", () => {
    it.each([
      ['a protocol error', { message: 'Missing query' }, 'BAD_REQUEST'],
      ['a parse error', { message: 'Syntax Error: Unexpected Name "subscriptio".' }, 'GRAPHQL_PARSE_FAILED'],
    ])('gives %s the code /graphql would', async (_what, error, code) => {
      await through(answering(400, { errors: [error] }));

      const { response } = await openStream(await tokenFor(member));

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ errors: [{ ...error, extensions: { code, requestId: expect.any(String) } }] });
    });

    it.each([
      ['nb', 404, 'STREAM_REQUEST_REFUSED'],
      ['en', 404, 'STREAM_REQUEST_REFUSED'],
      ['nb', 415, 'STREAM_CONTENT_TYPE_REFUSED'],
      ['en', 415, 'STREAM_CONTENT_TYPE_REFUSED'],
    ] as const)('tells a request graphql-sse refuses without a body how to open the stream instead, in %s (HTTP %d)', async (locale, status, reason) => {
      await through(serving((_request, response) => response.writeHead(status).end()));

      const { response } = await openStream(await tokenFor(member), locale);

      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({
        errors: [{ message: errorReasons[reason][locale](), extensions: { code: 'BAD_REQUEST', reason, requestId: expect.any(String) } }],
      });
    });
  });

  describe('answers masked, as an internal error, and not as the caller’s fault or an outage', () => {
    it("the subgraph's refusal of the gateway's signature (401 without a reason), which a client would take for its token's", async () => {
      await through(answering(401, { errors: [{ message: 'Unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] }));

      const { response } = await openStream(await tokenFor(member));

      expect(response.status).toBe(500);
      expect(await response.json()).toEqual(masked);
    });

    it("graphql-sse's bodyless 406, an answer to a PUT the gateway never sends", async () => {
      await through(serving((_request, response) => response.writeHead(406).end()));

      const { response } = await openStream(await tokenFor(member));

      expect(response.status).toBe(500);
      expect(await response.json()).toEqual(masked);
    });

    it('a plain 500, which /graphql does not retry as an outage either', async () => {
      await through(answering(500, { errors: [{ message: 'relation "inbox" does not exist' }] }));

      const { response } = await openStream(await tokenFor(member));

      expect(response.status).toBe(500);
      expect(await response.json()).toEqual(masked);
    });

    it('a success that is no event stream', async () => {
      await through(answering(200, { data: { ok: true } }));

      const { response } = await openStream(await tokenFor(member));

      expect(response.status).toBe(500);
      expect(await response.json()).toEqual(masked);
    });

    it('a notifications URL that cannot be called', async () => {
      notificationsAt = 'not a url';

      const { response } = await openStream(await tokenFor(member));

      expect(response.status).toBe(500);
      expect(await response.json()).toEqual(masked);
    });

    it("the viewer's entitlements failing to load", async () => {
      jest.spyOn(entitlements, 'forViewer').mockRejectedValueOnce(new Error('billing cache corrupt'));

      const { response } = await openStream(await tokenFor(member));

      expect(response.status).toBe(500);
      expect(await response.json()).toEqual(masked);
    });
  });

  describe('with notifications down', () => {
    const unreachable = (locale: MessageLocale) => ({
      errors: [
        {
          message: errorReasons.SERVICE_UNREACHABLE[locale]({ serviceName: 'notifications' }),
          extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'SERVICE_UNREACHABLE', serviceName: 'notifications', requestId: expect.any(String) },
        },
      ],
    });
    const outage = { errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'notifications' } }] };

    it.each(['nb', 'en'] as const)('answers SERVICE_UNAVAILABLE naming notifications, as /graphql does, in %s', async (locale) => {
      await through(resetting());

      const { response } = await openStream(await tokenFor(member), locale);

      expect(response.status).toBe(504);
      expect(await response.json()).toEqual(unreachable(locale));
    });

    it("answers in the association's language when the caller asked for none, and nb without one", async () => {
      await through(resetting());

      const english = await openStream(await tokenFor({ ...member, locale: 'en' }));
      const unsaid = await openStream(await tokenFor(member));

      expect(await english.response.json()).toEqual(unreachable('en'));
      expect(await unsaid.response.json()).toEqual(unreachable('nb'));
    });

    it.each([502, 503, 504])('answers the same when a notifications replica or its load balancer answers %i', async (status) => {
      await through(answering(status, { errors: [{ message: 'The server is restarting. Connect again.' }] }));

      const { response } = await openStream(await tokenFor(member), 'en');

      expect(response.status).toBe(504);
      expect(await response.json()).toEqual(unreachable('en'));
    });

    it('answers the same when the replica resets the connection in the middle of its refusal', async () => {
      await through(
        serving((request, response) =>
          response.writeHead(401, { 'content-type': 'application/json', 'content-length': '100' }).write('{"errors":[', () => request.socket.destroy()),
        ),
      );

      const { response } = await openStream(await tokenFor(member), 'en');

      expect(response.status).toBe(504);
      expect(await response.json()).toEqual(unreachable('en'));
    });

    it('gives up on a replica that stalls in the middle of its refusal, with the outage answer', async () => {
      await through(
        serving((_request, response) => response.writeHead(401, { 'content-type': 'application/json', 'content-length': '100' }).write('{"errors":[')),
      );

      const { response } = await openStream(await tokenFor(member), 'en');

      expect(response.status).toBe(504);
      expect(await response.json()).toMatchObject(outage);
    });

    it('gives the stream slot back with each outage answer, so failed attempts do not use up the person’s streams', async () => {
      await through(resetting());
      for (let attempt = 0; attempt <= STREAMS_PER_PERSON; attempt++) {
        expect((await openStream(await tokenFor(member))).response.status).toBe(504);
      }

      notificationsAt = upstream.url;

      // Slots are given back when the failed answer's connection closes, just after the client has it.
      await eventually(async () => expect((await openStream(await tokenFor(member))).response.status).toBe(200));
    });
  });

  it.each(['nb', 'en'] as const)('refuses a new stream while it drains with SERVICE_UNAVAILABLE, in %s', async (locale) => {
    gatewayProbe.draining = true;

    const { response } = await openStream(await tokenFor(member), locale);

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: errorReasons.SERVER_SHUTTING_DOWN[locale](),
          extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'SERVER_SHUTTING_DOWN', requestId: expect.any(String) },
        },
      ],
    });
    expect(upstreamCalls).toBe(0);
  });

  it('refuses a token it cannot verify itself, as /graphql does', async () => {
    const { response } = await openStream('Bearer not.a.token');

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: [{ message: expect.any(String), extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }] });
    expect(upstreamCalls).toBe(0);
  });

  it('hangs up upstream when the client leaves', async () => {
    const { response, hangUp } = await openStream(await tokenFor(member));
    await new StreamText(response).until('memberId');
    expect(open.size).toBe(1);

    hangUp.abort();

    await eventually(() => expect(open.size).toBe(0));
  });

  it('ends the client stream when upstream ends', async () => {
    const { response } = await openStream(await tokenFor(member));
    const stream = new StreamText(response);
    await stream.until('memberId');

    for (const res of open) res.end();

    await stream.end();
  });

  it('ends a stream notifications went silent on (a frozen replica), hanging up upstream, so the client reconnects', async () => {
    idleMs = 200;
    const { response } = await openStream(await tokenFor(member));
    const stream = new StreamText(response);
    // The stand-in sends one event, then nothing while it holds the stream open.
    await stream.until('memberId');

    await stream.end();
    await eventually(() => expect(open.size).toBe(0));
  });

  it('ends open streams when it stops, so the shutdown does not wait for them', async () => {
    const { response } = await openStream(await tokenFor(member));
    const stream = new StreamText(response);
    await stream.until('memberId');

    await gateway.stop();
    gatewayStopped = true;

    await stream.end();
    await eventually(() => expect(open.size).toBe(0));
  });
});

/** A server that accepts every connection and destroys it at once: notifications' replica resetting. */
async function resetting(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createNetServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))) };
}

/** A server that answers every request with `status` and `body` as JSON. */
function answering(status: number, body: unknown, contentType = 'application/json'): Promise<{ url: string; close: () => Promise<void> }> {
  return serving((_request, response) => response.writeHead(status, { 'content-type': contentType }).end(JSON.stringify(body)));
}

/** A server that answers every request as `handle` does; closing it cuts what it left open. */
async function serving(handle: RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return { url, close };
}
