import { AccessTokenVerifier } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import type { GraphQLError } from 'graphql';
import { DEMO, DEMO_PASSWORD } from '../members.demo';
import { errorOf, openMembersTestBed, type MembersTestBed } from '../members.fixtures';
import { bootstrapOperator, OperatorBootstrapRefused } from './operator-bootstrap';

const ORIGIN = 'https://app.tunet.test';
const PASSWORD = 'a long operator password';

/** The first operator of an empty database, and the one-time link that sets the password (decision 0030). */
describe('operator bootstrap, setPasswordWithToken and password reset', () => {
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

  describe('password reset by e-mail (decision 0046)', () => {
    type Reset = { associationId: string; payload: { email: string; memberId: string; token: string; expiresAt: string } };
    const resets = async () =>
      (
        (await bed.db.system((tx) =>
          tx.execute(sql`select association_id as "associationId", payload from members.outbox where topic = 'account.password_reset_requested' order by id`),
        )) as { rows: Reset[] }
      ).rows;
    const reasonOf = (promise: Promise<unknown>) =>
      promise.then(
        () => null,
        (error: GraphQLError) => ({ code: error.extensions.code, reason: error.extensions.reason, field: error.extensions.field }),
      );
    const refused = (reason: string) => ({ code: 'BAD_USER_INPUT', reason, field: 'token' });

    it('answers the same for every e-mail and sends a link only for an account, which sets a new password once and ends every session', async () => {
      const session = await auth().login({ email: 'per@solbakken.example', password: DEMO_PASSWORD }, '10.9.0.1');
      const before = (await resets()).length;
      expect(await auth().requestPasswordReset({ email: ' PER@solbakken.example' }, '10.9.0.1')).toEqual({ linkValidMinutes: 30 });
      expect(await auth().requestPasswordReset({ email: 'nobody@solbakken.example' }, '10.9.0.1')).toEqual({ linkValidMinutes: 30 });
      const sent = (await resets()).slice(before);
      expect(sent).toEqual([{ associationId: DEMO.solbakken, payload: expect.objectContaining({ email: 'per@solbakken.example', memberId: DEMO.per }) }]);
      const { token, expiresAt } = sent[0]!.payload;
      expect(new Date(expiresAt).getTime() - Date.now()).toBeGreaterThan(29 * 60_000);
      expect(new Date(expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(30 * 60_000);
      // Only the hash is kept, and the link is no operator's first-password link.
      const { rows } = (await bed.db.system((tx) => tx.execute(sql`select token_hash from members.password_setups where purpose = 'reset'`))) as {
        rows: { token_hash: string }[];
      };
      expect(rows.map((row) => row.token_hash)).not.toContain(token);
      expect(await errorOf(auth().setPasswordWithToken({ token, password: PASSWORD }, '10.9.0.2'))).toMatchObject({ field: 'token' });

      expect(await reasonOf(auth().resetPassword({ token, newPassword: 'short' }, '10.9.0.1'))).toMatchObject({ field: 'newPassword' });
      expect(await auth().resetPassword({ token, newPassword: 'a brand new password' }, '10.9.0.1')).toEqual({
        email: 'per@solbakken.example',
        endedSessions: 1,
      });
      expect(await errorOf(auth().refresh({ refreshToken: session.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(auth().login({ email: 'per@solbakken.example', password: 'a brand new password' }, '10.9.0.1')).resolves.toBeDefined();
      expect(await reasonOf(auth().resetPassword({ token, newPassword: 'yet another password' }, '10.9.0.1'))).toEqual(refused('PASSWORD_RESET_TOKEN_USED'));
    });

    it('lets only the newest link work, refuses an expired one, and an operator link is no reset link', async () => {
      await auth().requestPasswordReset({ email: 'ola@solbakken.example' }, '10.9.1.1');
      await auth().requestPasswordReset({ email: 'ola@solbakken.example' }, '10.9.1.1');
      const [older, newer] = (await resets()).filter((r) => r.payload.email === 'ola@solbakken.example').map((r) => r.payload.token);
      expect(await reasonOf(auth().resetPassword({ token: older!, newPassword: PASSWORD }, '10.9.1.2'))).toEqual(refused('PASSWORD_RESET_TOKEN_INVALID'));
      await bed.db.system((tx) => tx.execute(sql`update members.password_setups set expires_at = now() - interval '1 second' where purpose = 'reset'`));
      expect(await reasonOf(auth().resetPassword({ token: newer!, newPassword: PASSWORD }, '10.9.1.2'))).toEqual(refused('PASSWORD_RESET_TOKEN_EXPIRED'));
      // The refusal says when (review fix 10), as an ISO date-time with offset.
      const expired = await auth()
        .resetPassword({ token: newer!, newPassword: PASSWORD }, '10.9.1.2')
        .catch((error: GraphQLError) => error.extensions);
      expect(expired).toMatchObject({ expiredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\+0[12]:00$/) });
      const { link } = await create('not-a-reset@tunet.test');
      expect(await reasonOf(auth().resetPassword({ token: tokenOf(link), newPassword: PASSWORD }, '10.9.1.3'))).toEqual(
        refused('PASSWORD_RESET_TOKEN_INVALID'),
      );
    });

    const viewerFor = async (session: { accessToken: string }) => verifier.verify(session.accessToken);
    const tokenOfEmailChange = async (newEmail: string) =>
      (
        (await bed.db.system((tx) =>
          tx.execute(
            sql`select payload->>'token' as token from members.outbox where topic = 'account.email_change_requested' and payload->>'newEmail' = ${newEmail}`,
          ),
        )) as { rows: { token: string }[] }
      ).rows[0]!.token;

    it('voids a pending e-mail change and unused links when the password is reset or changed (review fixes)', async () => {
      // Someone with Ingrid's old password asked to move her login to their address; her reset must end that.
      const stolen = await auth().login({ email: 'ingrid@solbakken.example', password: DEMO_PASSWORD }, '10.9.3.1');
      await auth().requestEmailChange(await viewerFor(stolen), { newEmail: 'thief@evil.example', password: DEMO_PASSWORD }, '10.9.3.1');
      await auth().requestPasswordReset({ email: 'ingrid@solbakken.example' }, '10.9.3.2');
      await auth().requestPasswordReset({ email: 'ingrid@solbakken.example' }, '10.9.3.2');
      const token = (await resets()).filter((r) => r.payload.email === 'ingrid@solbakken.example').at(-1)!.payload.token;
      await auth().resetPassword({ token, newPassword: 'ingrids nye passord' }, '10.9.3.2');
      expect(await errorOf(auth().confirmEmailChange({ token: await tokenOfEmailChange('thief@evil.example') }))).toMatchObject({ field: 'token' });
      await expect(auth().login({ email: 'ingrid@solbakken.example', password: 'ingrids nye passord' }, '10.9.3.2')).resolves.toBeDefined();

      // changePassword does the same for a change started before it, and for a reset link lying in the mailbox.
      const session = await auth().login({ email: 'ingrid@solbakken.example', password: 'ingrids nye passord' }, '10.9.3.3');
      const ingrid = await viewerFor(session);
      await auth().requestEmailChange(ingrid, { newEmail: 'thief2@evil.example', password: 'ingrids nye passord' }, '10.9.3.3');
      await auth().requestPasswordReset({ email: 'ingrid@solbakken.example' }, '10.9.3.4');
      const lying = (await resets()).filter((r) => r.payload.email === 'ingrid@solbakken.example').at(-1)!.payload.token;
      await auth().changePassword(ingrid, { currentPassword: 'ingrids nye passord', newPassword: 'ingrids tredje passord' }, '10.9.3.3');
      expect(await errorOf(auth().confirmEmailChange({ token: await tokenOfEmailChange('thief2@evil.example') }))).toMatchObject({ field: 'token' });
      expect(await reasonOf(auth().resetPassword({ token: lying, newPassword: 'the thief chooses' }, '10.9.3.4'))).toEqual(
        refused('PASSWORD_RESET_TOKEN_INVALID'),
      );
    });

    it('ends the sessions in the transaction that sets the password, so a crash after it leaves none alive (review fixes)', async () => {
      const session = await auth().login({ email: 'aase@solbakken.example', password: DEMO_PASSWORD }, '10.9.4.1');
      await auth().requestPasswordReset({ email: 'aase@solbakken.example' }, '10.9.4.1');
      const token = (await resets()).filter((r) => r.payload.email === 'aase@solbakken.example').at(-1)!.payload.token;
      // The process dies after the password's transaction: anything the reset does in a second one never happens.
      const repository = (auth() as unknown as { repository: object }).repository;
      const crashing = Object.assign(Object.create(Object.getPrototypeOf(repository) as object) as object, repository, {
        endAccountSessions: () => Promise.reject(new Error('process died')),
      });
      const service = Object.assign(Object.create(Object.getPrototypeOf(auth()) as object) as object, auth(), { repository: crashing }) as ReturnType<
        typeof auth
      >;
      await service.resetPassword({ token, newPassword: 'aases nye passord' }, '10.9.4.1').catch(() => null);
      expect(await errorOf(auth().refresh({ refreshToken: session.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('limits requests per e-mail, known or not, silently: nobody can flood a mailbox, tell accounts apart or void the owner’s link', async () => {
      const ask = (email: string, ip: string) => errorOf(auth().requestPasswordReset({ email }, ip));
      for (const email of ['jonas@solbakken.example', 'ghost@solbakken.example']) {
        const answers = [await ask(email, '10.9.2.1'), await ask(email, '10.9.2.2'), await ask(email, '10.9.2.3'), await ask(email, '10.9.2.4')];
        expect(answers.map((answer) => answer?.code ?? 'answered')).toEqual(['answered', 'answered', 'answered', 'answered']);
      }
      // Three links went out; the fourth request sent nothing and left the third working.
      const jonas = (await resets()).filter((r) => r.payload.email === 'jonas@solbakken.example');
      expect(jonas).toHaveLength(3);
      await expect(auth().resetPassword({ token: jonas[2]!.payload.token, newPassword: 'jonas sitt nye passord' }, '10.9.2.5')).resolves.toBeDefined();
    });

    it('sends no reset link to a platform operator, even one with a membership (decision 0030)', async () => {
      const operator = await auth().createAccount('drift@tunet.test', DEMO_PASSWORD, true);
      await bed.subgraph.repositories.members.insertMembers(DEMO.fjordly, [
        { id: '90000000-0000-4000-8000-000000000009', accountId: operator, displayName: 'Drift', externalTitle: 'Plattformdrift' },
      ]);
      await auth().requestPasswordReset({ email: 'drift@tunet.test' }, '10.9.6.1');
      expect((await resets()).filter((r) => r.payload.email === 'drift@tunet.test')).toEqual([]);
    });
  });
});
