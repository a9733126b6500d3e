import type { FastStore, Viewer } from '@tunet/kit';
import type { GraphQLError } from 'graphql';
import { parse } from 'graphql';
import { callerLimitsFromEnv, CallerLimits, callerOf, DEFAULT_CALLER_LIMITS, isAuthenticationOperation } from './caller-limits';

const A = '11111111-1111-4111-8111-111111111111';
const person = (accountId: string): Viewer => ({ accountId, associationId: A, memberId: accountId, role: 'resident', platformAdmin: false, sessionId: null });
const integration = (apiKeyId: string): Viewer => ({ ...person(A), memberId: null, role: null, integration: { apiKeyId, scopes: [] } });
const KARI = '22222222-2222-4222-8222-222222222222';
const OLA = '33333333-3333-4333-8333-333333333333';
const KEY = '44444444-4444-4444-8444-444444444444';

/** What `admit` answered: OK, or the refusal's code, retry-after and HTTP status. */
const outcome = (admitted: Promise<unknown>) =>
  admitted.then(
    () => 'OK',
    (error: GraphQLError) => {
      const { code, reason, retryAfterSeconds, http } = error.extensions as Record<string, unknown> & {
        http: { status: number; headers: Map<string, string> };
      };
      return { code, reason, retryAfterSeconds, status: http.status, retryAfter: http.headers.get('retry-after') };
    },
  );

describe('per-caller request limits', () => {
  let limits: CallerLimits;
  beforeEach(() => {
    const store: FastStore = { kind: 'memory', namespace: `test-${Math.random()}` };
    limits = new CallerLimits(store, { userPerMinute: 3, apiKeyPerMinute: 2, anonymousPerMinute: 2 });
  });

  it('counts a person, an API key and an anonymous client network each on its own', () => {
    expect(callerOf(person(KARI), '10.0.0.1')).toEqual({ kind: 'user', key: KARI });
    expect(callerOf(integration(KEY), '10.0.0.1')).toEqual({ kind: 'api-key', key: KEY });
    // An IPv6 client's addresses in one /64 are one network: a client chooses among them freely.
    expect(callerOf(null, '2001:db8:1:2::5')).toEqual(callerOf(null, '2001:db8:1:2:ffff::9'));
    expect(callerOf(null, '2001:db8:1:2::5')).not.toEqual(callerOf(null, '2001:db8:1:3::5'));
  });

  it('refuses a person over the allowance with RATE_LIMITED, HTTP 429 and Retry-After, and nobody else', async () => {
    for (let i = 0; i < 3; i++) expect(await outcome(limits.admit(person(KARI), '10.0.0.1'))).toBe('OK');
    expect(await outcome(limits.admit(person(KARI), '10.0.0.2'))).toEqual({
      code: 'RATE_LIMITED',
      reason: 'TOO_MANY_REQUESTS',
      retryAfterSeconds: expect.any(Number),
      status: 429,
      retryAfter: expect.stringMatching(/^\d+$/),
    });
    // Same address, another person; the anonymous count of that address; an API key.
    expect(await outcome(limits.admit(person(OLA), '10.0.0.1'))).toBe('OK');
    expect(await outcome(limits.admit(null, '10.0.0.1'))).toBe('OK');
    expect(await outcome(limits.admit(integration(KEY), '10.0.0.1'))).toBe('OK');
  });

  it('waits no longer than the minute', async () => {
    for (let i = 0; i < 2; i++) await limits.admit(integration(KEY), '10.0.0.1');
    const refused = (await limits.admit(integration(KEY), '10.0.0.1').catch((error: GraphQLError) => error)) as GraphQLError;
    expect(refused.extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("counts a refused token against the client's network, and still answers its own refusal until the limit", async () => {
    const badToken = () => Promise.reject(new Error('TOKEN_INVALID'));
    await expect(limits.admitAuthenticated(badToken(), '10.0.0.9')).rejects.toThrow('TOKEN_INVALID');
    await expect(limits.admitAuthenticated(badToken(), '10.0.0.9')).rejects.toThrow('TOKEN_INVALID');
    expect(await outcome(limits.admitAuthenticated(badToken(), '10.0.0.9'))).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(await outcome(limits.admitAuthenticated(Promise.resolve({ viewer: null }), '10.0.0.9'))).toMatchObject({ code: 'RATE_LIMITED' });
    expect(await limits.admitAuthenticated(Promise.resolve({ viewer: person(KARI) }), '10.0.0.9')).toEqual({ viewer: person(KARI) });
  });
});

describe('authentication operations, not counted against a network (decision 0053)', () => {
  it.each([
    ['mutation { login(input: {}) { accessToken } }', true],
    ['mutation R { refreshSession(input: {}) { accessToken } } mutation L { login(input: {}) { accessToken } }', true],
    ['mutation { a: requestPasswordReset(input: {}) { linkValidMinutes } b: resetPassword(input: {}) { ok } }', true],
    ['mutation { setPasswordWithToken(input: {}) { ok } acceptInvitation(input: {}) { accessToken } }', true],
    ['{ __typename }', false],
    ['query { login }', false],
    ['mutation { login(input: {}) { accessToken } __typename }', false],
    ['mutation { login(input: {}) { accessToken } logout(input: {}) { ok } }', false],
    ['mutation { ...F } fragment F on Mutation { login(input: {}) { accessToken } }', false],
    ['mutation { login(input: {}) { accessToken } } query Q { me { id } }', false],
  ])('%s: %s', (query, expected) => {
    expect(isAuthenticationOperation(parse(query))).toBe(expected);
  });

  it('lets an anonymous authentication operation through from a network over its minute, and nothing else', async () => {
    const limits = new CallerLimits({ kind: 'memory', namespace: `test-${Math.random()}` }, { userPerMinute: 1, apiKeyPerMinute: 1, anonymousPerMinute: 1 });
    expect(await outcome(limits.admit(null, '10.0.0.1'))).toBe('OK');
    expect(await outcome(limits.admit(null, '10.0.0.1'))).toMatchObject({ code: 'RATE_LIMITED' });
    expect(await outcome(limits.admit(null, '10.0.0.1', true))).toBe('OK');
    // A refresh sent with the expired access token gets the token's own answer, not 429.
    await expect(limits.admitAuthenticated(Promise.reject(new Error('TOKEN_EXPIRED')), '10.0.0.1', true)).rejects.toThrow('TOKEN_EXPIRED');
    // A person's own requests count as theirs whatever they are.
    expect(await outcome(limits.admit(person(KARI), '10.0.0.1', true))).toBe('OK');
    expect(await outcome(limits.admit(person(KARI), '10.0.0.1', true))).toMatchObject({ code: 'RATE_LIMITED' });
    expect(isAuthenticationOperation(null)).toBe(false);
  });
});

describe('caller limits from the environment', () => {
  it('defaults, takes whole numbers, and refuses anything else', () => {
    expect(callerLimitsFromEnv({})).toEqual(DEFAULT_CALLER_LIMITS);
    expect(callerLimitsFromEnv({ RATE_LIMIT_USER_PER_MINUTE: '120', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '30' })).toEqual({
      ...DEFAULT_CALLER_LIMITS,
      userPerMinute: 120,
      anonymousPerMinute: 30,
    });
    for (const bad of ['0', '-5', '1.5', 'many']) {
      expect(() => callerLimitsFromEnv({ RATE_LIMIT_API_KEY_PER_MINUTE: bad })).toThrow('RATE_LIMIT_API_KEY_PER_MINUTE');
    }
  });
});
