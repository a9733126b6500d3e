import { parse } from 'graphql';
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

  beforeEach(async () => {
    server = await startSubgraphServer(
      {
        name: 'test',
        typeDefs,
        resolvers: [
          {
            Query: {
              slow: async (_: unknown, { ms }: { ms: number }) => {
                slowStarted();
                await new Promise((resolve) => setTimeout(resolve, ms));
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
      { port: 0, internalSecret: SECRET, logger: createLogger('test') },
    );
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
    expect(body.errors).toEqual([{ message: expect.stringContaining('try again shortly'), path: ['dependency'], extensions: { code: 'SERVICE_UNAVAILABLE' } }]);
    expect(JSON.stringify(body)).not.toContain('members/roles');
  });
});
