import { parse } from 'graphql';
import { errorReasons } from './error-reasons';
import { routeFailure } from './internal-routes';
import { createLogger } from './logger';
import { encodeContext, signRequest } from './internal-signature';
import type { RunningServer } from './http-server';
import { startSubgraphServer } from './subgraph-server';

const SECRET = 'test-secret';
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { slow(ms: Int!): String! crash: String dependency: String }
`);

describe('subgraph server', () => {
  let server: RunningServer;
  let slowStarted = () => {};
  const call = (query: string, variables?: Record<string, unknown>) => {
    const body = JSON.stringify({ query, variables });
    const context = encodeContext({ viewer: null, requestId: 'r1', clientIp: '' });
    const headers = signRequest(SECRET, { method: 'POST', url: server.url, context, body });
    return fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  };

  const start = (drain: { drainTimeoutMs?: number; defaultDrainTimeoutMs?: number } = {}) =>
    startSubgraphServer(
      {
        name: 'test',
        typeDefs,
        resolvers: [
          {
            Query: {
              slow: async (_: unknown, { ms }: { ms: number }) => {
                slowStarted();
                // Unref'd: a request the drain cut leaves no timer holding the test worker open.
                await new Promise((resolve) => setTimeout(resolve, ms).unref());
                return 'done';
              },
              crash: () => {
                throw new Error('connection to 10.0.0.5 refused, secret=hunter2');
              },
              // What a resolver sees when another subgraph does not answer (kit routeFailure on a 503).
              dependency: () => {
                throw routeFailure('members/roles', 503);
              },
            },
          },
        ],
        createContext: (request) => request,
        isReady: async () => undefined,
      },
      { port: 0, internalSecret: SECRET, ...drain, logger: createLogger('test') },
    );

  beforeEach(async () => {
    server = await start();
  });
  afterEach(() => server.stop());

  it('lets an in-flight request finish when it is stopped, then refuses new connections', async () => {
    const started = new Promise<void>((resolve) => (slowStarted = resolve));
    const inFlight = call('{ slow(ms: 300) }');
    // Stopped once the request is being handled, not after a guess at how long it takes to arrive on a loaded machine.
    await started;
    const stopping = server.stop();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { slow: 'done' } });
    await stopping;
    await expect(call('{ slow(ms: 1) }')).rejects.toThrow();
  });

  describe('draining for DRAIN_TIMEOUT_MS', () => {
    // Scaled down from the 20 s request under Apollo's fixed 10 s. The time is taken from the stop, once the
    // server is up and the request is being handled, so a slow start on a loaded machine does not count.
    const stopWhileSlow = async (drain: { drainTimeoutMs?: number; defaultDrainTimeoutMs?: number }, requestMs: number) => {
      await server.stop();
      server = await start(drain);
      const started = new Promise<void>((resolve) => (slowStarted = resolve));
      const inFlight = call(`{ slow(ms: ${requestMs}) }`).then(
        (response) => response.json(),
        (error: unknown) => error,
      );
      await started;
      const stopped = Date.now();
      await server.stop();
      const body = await inFlight;
      return { body, ms: Date.now() - stopped };
    };

    it('lets a request finish that outlasts the default drain but not the configured one', async () => {
      const { body } = await stopWhileSlow({ drainTimeoutMs: 1000, defaultDrainTimeoutMs: 300 }, 600);
      expect(body).toEqual({ data: { slow: 'done' } });
    });

    it('cuts that request when no drain is configured: the default decides', async () => {
      const { body } = await stopWhileSlow({ defaultDrainTimeoutMs: 300 }, 600);
      expect(body).toMatchObject({ message: 'fetch failed' });
    });

    it('closes a request still running when the configured drain ends, instead of waiting the default 10 s', async () => {
      const { body, ms } = await stopWhileSlow({ drainTimeoutMs: 100 }, 2000);
      expect(body).toMatchObject({ message: 'fetch failed' });
      expect(ms).toBeLessThan(1900);
    });
  });

  it("answers a live stream opened while it drains with a code and a reason the gateway's clients can read", async () => {
    await server.stop();
    server = await startSubgraphServer(
      {
        name: 'test',
        typeDefs,
        resolvers: [],
        createContext: (request) => request,
        isReady: async () => undefined,
        streamRoutes: { inbox: async (_req, res) => void res.status(200).end() },
      },
      { port: 0, internalSecret: SECRET, logger: createLogger('test') },
    );
    // Serving on, draining, until the request is answered: however slowly it arrives on a loaded machine.
    let answered = () => {};
    const stopping = server.stop(new Promise<void>((resolve) => (answered = resolve)));
    const url = new URL('/stream/inbox', server.url);
    const context = encodeContext({ viewer: null, requestId: 'r1', clientIp: '' });
    try {
      const headers = { 'content-type': 'application/json', ...signRequest(SECRET, { method: 'POST', url, context, body: '{}' }) };
      const response = await fetch(url, { method: 'POST', headers, body: '{}' });

      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        errors: [{ message: errorReasons.SERVER_SHUTTING_DOWN.en(), extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'SERVER_SHUTTING_DOWN' } }],
      });
    } finally {
      answered();
      await stopping;
      server = await start();
    }
  });

  it('refuses a body with the NUL character in any string, nested ones included, before GraphQL runs', async () => {
    const response = await call('{ slow(ms: 1) }', { note: { lines: ['fine', 'bad\u0000'] } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    // The six characters \u0000 as text are no NUL.
    expect((await call('{ slow(ms: 1) }', { note: '\\u0000' })).status).toBe(200);
  });

  it('reports unexpected errors without their details or a stack trace', async () => {
    const body = (await (await call('{ crash }')).json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors).toEqual([{ message: 'Internal server error', path: ['crash'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(JSON.stringify(body)).not.toMatch(/hunter2|10\.0\.0\.5|stacktrace/);
  });

  it('reports another subgraph not answering as SERVICE_UNAVAILABLE, without details', async () => {
    const body = (await (await call('{ dependency }')).json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors).toEqual([
      {
        message: 'A service Tunet needs did not answer. Try again shortly.',
        path: ['dependency'],
        extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'DEPENDENCY_UNAVAILABLE' },
      },
    ]);
    expect(JSON.stringify(body)).not.toContain('members/roles');
  });
});
