import { DEMO_PASSWORD } from '@tunet/members';
import { codes, openE2E, type E2E, type GraphQLResponse } from './e2e.fixtures';

const LOGIN = 'mutation ($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }';
const LOGIN_ON_DEVICE = 'mutation ($i: LoginInput!) { login(input: $i) { accessToken refreshToken deviceToken } }';
const REFRESH = 'mutation ($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken } }';
const CHANGE_PASSWORD = 'mutation ($i: ChangePasswordInput!) { changePassword(input: $i) { endedSessions } }';
const REQUEST_EMAIL_CHANGE = 'mutation ($i: RequestEmailChangeInput!) { requestEmailChange(input: $i) { pendingEmail } }';

type Login = { login: { accessToken: string; refreshToken: string; deviceToken?: string | null } };

/**
 * The gateway trusts one proxy hop here, so each request can come from the client address a load balancer would
 * name in `x-forwarded-for`.
 */
describe('login and password re-check limits through the gateway', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await openE2E(undefined, { trustProxy: true });
  });
  afterAll(() => e2e.close());

  const from = async <T = Record<string, unknown>>(
    address: string,
    query: string,
    variables: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<T>> => {
    const response = await fetch(e2e.stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  };
  const login = (address: string, email: string, password: string, deviceToken?: string) =>
    from<Login>(address, deviceToken === undefined ? LOGIN : LOGIN_ON_DEVICE, { i: { email, password, ...(deviceToken ? { deviceToken } : {}) } });
  const firstCode = (response: GraphQLResponse) => codes(response)[0] ?? 'OK';

  it("does not let a stranger's wrong passwords from one address stop the owner logging in from another", async () => {
    const stranger: unknown[] = [];
    for (let i = 0; i < 8; i++) stranger.push(firstCode(await login('203.0.113.7', 'ola@solbakken.example', `gjett-${i}`)));

    // The stranger is stopped at their address...
    expect(stranger.slice(0, 5)).toEqual(Array(5).fill('UNAUTHENTICATED'));
    expect(stranger.slice(5)).toEqual(Array(3).fill('RATE_LIMITED'));
    // ...and the owner, elsewhere, is not.
    const owner = await login('198.51.100.2', 'ola@solbakken.example', DEMO_PASSWORD);
    expect(owner.errors).toBeUndefined();
    expect(owner.data?.login.accessToken).toEqual(expect.any(String));
  });

  it("lets the owner's known device log in while strangers hammer the account from many addresses", async () => {
    const first = await login('192.0.2.10', 'ingrid@solbakken.example', DEMO_PASSWORD, '');
    const deviceToken = first.data?.login.deviceToken;
    expect(deviceToken).toEqual(expect.any(String));
    const someoneElsesDevice = (await login('192.0.2.10', 'kari@solbakken.example', DEMO_PASSWORD, '')).data?.login.deviceToken;

    const strangers: unknown[] = [];
    for (let i = 0; i < 14; i++) strangers.push(firstCode(await login(`203.0.113.${100 + i}`, 'ingrid@solbakken.example', `gjett-${i}`)));
    // Spread over addresses, the guesses are slowed per account: a few a minute.
    expect(strangers.slice(0, 10)).toEqual(Array(10).fill('UNAUTHENTICATED'));
    expect(strangers.slice(10)).toEqual(Array(4).fill('RATE_LIMITED'));

    const newPhone = await login('192.0.2.11', 'ingrid@solbakken.example', DEMO_PASSWORD);
    expect(codes(newPhone)).toEqual(['RATE_LIMITED']);
    expect(newPhone.errors?.[0]?.extensions?.retryAfterSeconds).toBeLessThanOrEqual(60);
    const borrowedToken = await login('192.0.2.11', 'ingrid@solbakken.example', DEMO_PASSWORD, someoneElsesDevice!);
    expect(codes(borrowedToken)).toEqual(['RATE_LIMITED']);

    const knownDevice = await login('192.0.2.12', 'ingrid@solbakken.example', DEMO_PASSWORD, deviceToken!);
    expect(knownDevice.errors).toBeUndefined();
    expect(knownDevice.data?.login.accessToken).toEqual(expect.any(String));
    expect(knownDevice.data?.login.deviceToken).toEqual(expect.any(String));
  });

  it('stops one address that tries many e-mail addresses, and only that address', async () => {
    const outcomes: unknown[] = [];
    for (let i = 0; i < 52; i++) outcomes.push(firstCode(await login('203.0.113.50', `beboer${i}@solbakken.example`, 'Sommer2024!')));
    expect(outcomes.slice(0, 50)).toEqual(Array(50).fill('UNAUTHENTICATED'));
    expect(outcomes.slice(50)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);

    expect(codes(await login('203.0.113.50', 'jonas@solbakken.example', DEMO_PASSWORD))).toEqual(['RATE_LIMITED']);
    expect((await login('198.51.100.50', 'jonas@solbakken.example', DEMO_PASSWORD)).errors).toBeUndefined();
  });

  const guessTwentyFourTimes = async (address: string, token: string, attempt: (guess: string) => [string, Record<string, unknown>]) => {
    const outcomes: unknown[] = [];
    for (let i = 0; i < 24; i++) outcomes.push(firstCode(await from(address, ...attempt(`gjett-${i}`), token)));
    return outcomes;
  };

  it('ends the session after five wrong current passwords, and refuses the right one after that', async () => {
    const session = (await login('192.0.2.40', 'per@solbakken.example', DEMO_PASSWORD)).data!.login;
    const changeFrom = (currentPassword: string): [string, Record<string, unknown>] => [
      CHANGE_PASSWORD,
      { i: { currentPassword, newPassword: 'tyven-sitt-passord' } },
    ];

    const outcomes = await guessTwentyFourTimes('192.0.2.40', session.accessToken, changeFrom);
    expect(outcomes.slice(0, 4)).toEqual(Array(4).fill('BAD_USER_INPUT'));
    expect(outcomes.slice(4)).toEqual(Array(20).fill('UNAUTHENTICATED'));

    const right = await from('192.0.2.40', ...changeFrom(DEMO_PASSWORD), session.accessToken);
    expect(codes(right)).toEqual(['UNAUTHENTICATED']);
    expect(codes(await from('192.0.2.40', REFRESH, { t: session.refreshToken }))).toEqual(['UNAUTHENTICATED']);
    // The password did not change: the owner logs in with the old one from elsewhere, the thief's fails.
    expect(firstCode(await login('198.51.100.40', 'per@solbakken.example', 'tyven-sitt-passord'))).toBe('UNAUTHENTICATED');
    expect((await login('198.51.100.41', 'per@solbakken.example', DEMO_PASSWORD)).errors).toBeUndefined();
  });

  it('ends the session after five wrong passwords for an e-mail change, and refuses the right one after that', async () => {
    const session = (await login('192.0.2.60', 'aase@solbakken.example', DEMO_PASSWORD)).data!.login;
    const changeTo = (password: string): [string, Record<string, unknown>] => [REQUEST_EMAIL_CHANGE, { i: { newEmail: 'tyven@example.com', password } }];

    const outcomes = await guessTwentyFourTimes('192.0.2.60', session.accessToken, changeTo);
    expect(outcomes.slice(0, 4)).toEqual(Array(4).fill('BAD_USER_INPUT'));
    expect(outcomes.slice(4)).toEqual(Array(20).fill('UNAUTHENTICATED'));

    const right = await from('192.0.2.60', ...changeTo(DEMO_PASSWORD), session.accessToken);
    expect(codes(right)).toEqual(['UNAUTHENTICATED']);
    expect(right.data?.requestEmailChange ?? null).toBeNull();
    expect(codes(await from('192.0.2.60', REFRESH, { t: session.refreshToken }))).toEqual(['UNAUTHENTICATED']);
  });
});

/**
 * Student housing behind one NAT or CGNAT address: neighbours' failures must not keep the owner's known device or
 * session out, and an attacker gains nothing by sending guesses at once or by rotating through an IPv6 prefix.
 */
describe('login limits behind a shared address, at once, and over IPv6', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await openE2E({ maxFailedLoginsPerAddress: 10 }, { trustProxy: true });
  });
  afterAll(() => e2e.close());

  const from = async <T = Record<string, unknown>>(address: string, query: string, variables: Record<string, unknown>, token?: string) => {
    const response = await fetch(e2e.stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) } as GraphQLResponse<T>;
  };
  const login = (address: string, email: string, password: string, deviceToken?: string) =>
    from<Login>(address, LOGIN_ON_DEVICE, { i: { email, password, ...(deviceToken === undefined ? {} : { deviceToken }) } });
  const firstCode = (response: GraphQLResponse) => codes(response)[0] ?? 'OK';
  /** Neighbours behind the address guess at the owner's account, then spray other accounts until the address waits. */
  const neighboursExhaust = async (address: string, ownerEmail: string) => {
    for (let i = 0; i < 5; i++) await login(address, ownerEmail, `gjett-${i}`);
    for (let i = 0; i < 5; i++) await login(address, `nabo${i}@solbakken.example`, 'Sommer2024!');
    expect(firstCode(await login(address, 'nabo9@solbakken.example', 'Sommer2024!'))).toBe('RATE_LIMITED');
    expect(firstCode(await login(address, ownerEmail, DEMO_PASSWORD))).toBe('RATE_LIMITED');
  };

  it("lets the owner's known device behind the shared address log in after neighbours used up the address's allowance", async () => {
    const { deviceToken } = (await login('100.64.0.1', 'ola@solbakken.example', DEMO_PASSWORD, '')).data!.login;
    await neighboursExhaust('100.64.0.1', 'ola@solbakken.example');

    const knownDevice = await login('100.64.0.1', 'ola@solbakken.example', DEMO_PASSWORD, deviceToken!);
    expect(knownDevice.errors).toBeUndefined();
    expect(knownDevice.data?.login.accessToken).toEqual(expect.any(String));
  });

  it("lets the owner's session behind the shared address re-enter its password after neighbours used up the address's allowance", async () => {
    const session = (await login('100.64.0.2', 'kari@solbakken.example', DEMO_PASSWORD)).data!.login;
    await neighboursExhaust('100.64.0.2', 'kari@solbakken.example');

    const change = await from(
      '100.64.0.2',
      REQUEST_EMAIL_CHANGE,
      { i: { newEmail: 'kari.ny@solbakken.example', password: DEMO_PASSWORD } },
      session.accessToken,
    );
    expect(change.errors).toBeUndefined();
    expect(change.data).toEqual({ requestEmailChange: { pendingEmail: 'kari.ny@solbakken.example' } });
  });

  it('counts wrong passwords sent all at once: no more guesses than one at a time would get', async () => {
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => login('100.64.1.1', 'jonas@solbakken.example', `gjett-${i}`)));
    const outcomes = guesses.map(firstCode);
    expect(outcomes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(5);
    expect(outcomes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(7);
  });

  it("counts a stolen session's wrong passwords sent all at once: five tries, then the session ends and the right one is refused", async () => {
    const session = (await login('100.64.1.2', 'per@solbakken.example', DEMO_PASSWORD)).data!.login;
    const change = (currentPassword: string) =>
      from('100.64.1.2', CHANGE_PASSWORD, { i: { currentPassword, newPassword: 'tyven-sitt-passord' } }, session.accessToken);
    const wrong = Array.from({ length: 11 }, (_, i) => change(`gjett-${i}`));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const right = change(DEMO_PASSWORD);

    const outcomes = (await Promise.all(wrong)).map(firstCode);
    expect(outcomes.filter((code) => code === 'BAD_USER_INPUT')).toHaveLength(4);
    expect(outcomes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(7);
    expect(codes(await right)).toEqual(['UNAUTHENTICATED']);
    // The password did not change.
    expect((await login('198.51.100.70', 'per@solbakken.example', DEMO_PASSWORD)).errors).toBeUndefined();
  });

  it('holds one IPv6 /64 to one allowance, whichever addresses in it the guesses come from', async () => {
    const outcomes: unknown[] = [];
    for (let i = 1; i <= 7; i++) outcomes.push(firstCode(await login(`2001:db8:5:7::${i.toString(16)}`, 'aase@solbakken.example', `gjett-${i}`)));
    expect(outcomes).toEqual([...Array(5).fill('UNAUTHENTICATED'), 'RATE_LIMITED', 'RATE_LIMITED']);
    // The owner's new phone on another network logs in.
    expect((await login('2001:db8:9:1::1', 'aase@solbakken.example', DEMO_PASSWORD)).errors).toBeUndefined();
  });

  it('counts an IPv4 client the same whether the proxy names it as IPv4 or as IPv4-mapped IPv6', async () => {
    const outcomes: unknown[] = [];
    for (let i = 0; i < 7; i++) outcomes.push(firstCode(await login(i % 2 ? '100.64.2.1' : '::ffff:100.64.2.1', 'ingrid@solbakken.example', `gjett-${i}`)));
    expect(outcomes).toEqual([...Array(5).fill('UNAUTHENTICATED'), 'RATE_LIMITED', 'RATE_LIMITED']);
  });
});
