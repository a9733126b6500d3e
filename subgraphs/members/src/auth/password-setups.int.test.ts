import { AccessTokenVerifier } from '@tunet/kit';
import { errorOf, openMembersTestBed, type MembersTestBed } from '../members.fixtures';
import { bootstrapOperator, OperatorBootstrapRefused } from './operator-bootstrap';

const ORIGIN = 'https://app.tunet.test';
const PASSWORD = 'a long operator password';

/** The first operator of an empty database, and the one-time link that sets the password (decision 0030). */
describe('operator bootstrap and setPasswordWithToken', () => {
  let bed: MembersTestBed;
  let verifier: AccessTokenVerifier;
  const auth = () => bed.subgraph.auth;
  const create = (email: string, options: { newLink?: boolean; now?: Date } = {}) =>
    bootstrapOperator(bed.connection, { email, origin: ORIGIN, newLink: options.newLink ?? false }, options.now);
  const tokenOf = (link: string) => new URLSearchParams(new URL(link).hash.slice(1)).get('token')!;

  beforeAll(async () => {
    bed = await openMembersTestBed({ maxFailedLoginsPerAddress: 3 });
    verifier = await AccessTokenVerifier.fromPem(bed.secrets.jwtPublicKey);
  });
  afterAll(() => bed.close());

  it('creates an operator who cannot log in until the link sets a password, and then logs in as operator', async () => {
    const { link, expiresAt, accountId } = await create('first@tunet.test');
    expect(link).toMatch(/^https:\/\/app\.tunet\.test\/set-password#token=[A-Za-z0-9_-]{43}$/);
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    expect(await errorOf(auth().login({ email: 'first@tunet.test', password: PASSWORD }, '10.8.0.1'))).toMatchObject({ code: 'UNAUTHENTICATED' });

    expect(await auth().setPasswordWithToken({ token: tokenOf(link), password: PASSWORD }, '10.8.0.1')).toBe('first@tunet.test');
    const session = await auth().login({ email: 'first@tunet.test', password: PASSWORD }, '10.8.0.1');
    expect(await verifier.verify(session.accessToken)).toMatchObject({ accountId, associationId: null, platformAdmin: true });
  });

  it('works once, and refuses a used, expired or unknown token on the token field', async () => {
    const { link } = await create('once@tunet.test');
    await auth().setPasswordWithToken({ token: tokenOf(link), password: PASSWORD }, '10.8.1.1');
    expect(await errorOf(auth().setPasswordWithToken({ token: tokenOf(link), password: 'another password' }, '10.8.1.1'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'token',
    });
    const old = await create('late@tunet.test', { now: new Date(Date.now() - 24 * 3600_000 - 1000) });
    expect(await errorOf(auth().setPasswordWithToken({ token: tokenOf(old.link), password: PASSWORD }, '10.8.1.2'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'token',
    });
    expect(await errorOf(auth().login({ email: 'once@tunet.test', password: 'another password' }, '10.8.1.1'))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('holds the password to the rules of changePassword', async () => {
    const { link } = await create('short@tunet.test');
    expect(await errorOf(auth().setPasswordWithToken({ token: tokenOf(link), password: 'short' }, '10.8.2.1'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'password',
    });
  });

  it('refuses an e-mail in use unless asked for a new link, which ends the old link and every session', async () => {
    const { link } = await create('again@tunet.test');
    await auth().setPasswordWithToken({ token: tokenOf(link), password: PASSWORD }, '10.8.3.1');
    const session = await auth().login({ email: 'again@tunet.test', password: PASSWORD }, '10.8.3.1');
    await expect(create('AGAIN@tunet.test')).rejects.toThrow(OperatorBootstrapRefused);

    const first = await create('again@tunet.test', { newLink: true });
    const second = await create('again@tunet.test', { newLink: true });
    expect(await errorOf(auth().setPasswordWithToken({ token: tokenOf(first.link), password: PASSWORD }, '10.8.3.2'))).toMatchObject({ field: 'token' });
    await auth().setPasswordWithToken({ token: tokenOf(second.link), password: 'the new password' }, '10.8.3.2');
    expect(await errorOf(auth().refresh({ refreshToken: session.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it("gives no new link for a member's account or an unknown e-mail", async () => {
    await expect(create('kari@solbakken.example', { newLink: true })).rejects.toThrow(/not a platform operator/);
    await expect(create('nobody@tunet.test', { newLink: true })).rejects.toThrow(/No account/);
  });

  it('counts wrong tokens per client address like wrong passwords at login', async () => {
    const guess = (i: number) => errorOf(auth().setPasswordWithToken({ token: `guess-${i}`, password: PASSWORD }, '10.8.4.1'));
    expect((await Promise.all([0, 1, 2].map(guess))).map((e) => e?.code)).toEqual(Array(3).fill('BAD_USER_INPUT'));
    expect((await guess(3))?.code).toBe('RATE_LIMITED');
    const { link } = await create('elsewhere@tunet.test');
    expect(await auth().setPasswordWithToken({ token: tokenOf(link), password: PASSWORD }, '10.8.5.1')).toBe('elsewhere@tunet.test');
  });
});
