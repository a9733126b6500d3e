import { DEMO_PASSWORD } from '@tunet/members';
import { openE2E, type E2E } from './e2e.fixtures';

const LOGIN = 'mutation ($i: LoginInput!) { login(input: $i) { accessToken } }';
const TYPENAME = '{ __typename }';

/**
 * The one public door (decision 0053): per-caller request limits and the headers of every answer. The gateway trusts
 * one proxy hop, so each request names its client address in `x-forwarded-for` as a load balancer would; the limits
 * are small here so that a few requests reach them.
 */
describe('the gateway door', () => {
  let e2e: E2E;
  let origin: string;
  beforeAll(async () => {
    e2e = await openE2E(undefined, { trustProxy: true, callerLimits: { userPerMinute: 8, apiKeyPerMinute: 1000, anonymousPerMinute: 6 } });
    origin = new URL(e2e.stack.gatewayUrl).origin;
  });
  afterAll(() => e2e.close());

  const post = (address: string, query: string, variables: Record<string, unknown> = {}, token?: string, path = '/graphql') =>
    fetch(new URL(path, origin), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  const login = async (address: string, email: string) => {
    const answer = (await (await post(address, LOGIN, { i: { email, password: DEMO_PASSWORD } })).json()) as { data: { login: { accessToken: string } } };
    return answer.data.login.accessToken;
  };
  /** The status, Retry-After and first error of an answer. */
  const outcome = async (answer: Response) => {
    const body = (await answer.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    const extensions = body.errors?.[0]?.extensions ?? {};
    return { status: answer.status, retryAfter: answer.headers.get('retry-after'), code: extensions.code, reason: extensions.reason };
  };

  it('answers a person over their minute with 429, Retry-After and RATE_LIMITED, on /graphql and the live stream, and nobody else', async () => {
    const kari = await login('198.51.100.1', 'kari@solbakken.example');
    const ola = await login('198.51.100.1', 'ola@solbakken.example');
    // From different addresses: the count is the person's, wherever they are.
    for (let i = 0; i < 8; i++) expect((await post(`198.51.100.${10 + i}`, TYPENAME, {}, kari)).status).toBe(200);

    const refused = await post('198.51.100.30', TYPENAME, {}, kari);
    const body = (await refused.clone().json()) as { errors: { message: string; extensions: { retryAfterSeconds: number } }[] };
    expect(await outcome(refused)).toEqual({ status: 429, retryAfter: expect.stringMatching(/^\d+$/), code: 'RATE_LIMITED', reason: 'TOO_MANY_REQUESTS' });
    expect(body.errors[0]!.extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(body.errors[0]!.extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(body.errors[0]!.message).toMatch(/^For mange forespørsler/);
    const stream = await post('198.51.100.30', 'subscription { inboxUpdated { unreadCount } }', {}, kari, '/graphql/stream');
    expect(await outcome(stream)).toMatchObject({ status: 429, code: 'RATE_LIMITED', reason: 'TOO_MANY_REQUESTS' });
    // Ola, at the very same address, has his own minute.
    expect((await post('198.51.100.30', TYPENAME, {}, ola)).status).toBe(200);
  });

  it('counts requests without a valid token per client address, bad tokens included', async () => {
    for (let i = 0; i < 5; i++) expect((await post('203.0.113.9', TYPENAME)).status).toBe(200);
    expect((await outcome(await post('203.0.113.9', TYPENAME, {}, 'not-a-token'))).status).toBe(401);
    expect(await outcome(await post('203.0.113.9', TYPENAME, {}, 'not-a-token'))).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect((await post('203.0.113.10', TYPENAME)).status).toBe(200);
  });

  it('lets a login and a refresh through from a network that has used its minute (members limits those itself)', async () => {
    for (let i = 0; i < 6; i++) expect((await post('203.0.113.20', TYPENAME)).status).toBe(200);
    expect(await outcome(await post('203.0.113.20', TYPENAME))).toMatchObject({ status: 429, code: 'RATE_LIMITED' });

    const loggedIn = await post('203.0.113.20', 'mutation ($i: LoginInput!) { login(input: $i) { refreshToken } }', {
      i: { email: 'per@solbakken.example', password: DEMO_PASSWORD },
    });
    expect(loggedIn.status).toBe(200);
    const { refreshToken } = ((await loggedIn.json()) as { data: { login: { refreshToken: string } } }).data.login;
    const refreshed = await post('203.0.113.20', 'mutation ($i: RefreshSessionInput!) { refreshSession(input: $i) { accessToken } }', { i: { refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as { data: { refreshSession: { accessToken: string } } }).data.refreshSession.accessToken).toEqual(expect.any(String));
    // Anything else beside the login in the same request is counted: still refused.
    const mixed = await post('203.0.113.20', 'mutation ($i: LoginInput!) { login(input: $i) { accessToken } } query Other { __typename }', {
      i: { email: 'per@solbakken.example', password: DEMO_PASSWORD },
    });
    expect(mixed.status).toBe(429);
  });

  it('sends the security headers and never a cookie, on every kind of answer', async () => {
    const address = { 'x-forwarded-for': '192.0.2.1' };
    const answers = {
      graphqlPost: await post('192.0.2.1', TYPENAME),
      graphqlGet: await fetch(new URL(`/graphql?query=${encodeURIComponent(TYPENAME)}`, origin), {
        headers: { ...address, 'apollo-require-preflight': 'yes' },
      }),
      streamRefused: await post('192.0.2.2', 'subscription { inboxUpdated { unreadCount } }', {}, undefined, '/graphql/stream'),
      publicRoute: await fetch(new URL('/files/no-such-file', origin), { headers: address }),
      unknownPath: await fetch(new URL('/no-such-path', origin), { headers: address }),
      readiness: await fetch(new URL('/readyz', origin)),
      liveness: await fetch(new URL('/healthz', origin)),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([name, answer]) => [name, answer.status]))).toEqual({
      graphqlPost: 200,
      graphqlGet: 200,
      streamRefused: expect.any(Number),
      publicRoute: expect.any(Number),
      unknownPath: 404,
      readiness: 200,
      liveness: 200,
    });
    for (const [name, answer] of Object.entries(answers)) {
      const headers = Object.fromEntries(answer.headers);
      expect({ name, ...headers }).toMatchObject({
        name,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'content-security-policy': expect.stringContaining("default-src 'none'"),
        'cross-origin-resource-policy': name === 'publicRoute' ? 'cross-origin' : 'same-origin',
      });
      expect({ name, cookie: headers['set-cookie'], poweredBy: headers['x-powered-by'] }).toEqual({ name, cookie: undefined, poweredBy: undefined });
    }
  });
});
