import { AccessTokenVerifier, FilesystemStorage } from '@tunet/kit';
import { openRedisThroughRelay } from '@tunet/kit/src/redis-relay.fixtures';
import { sql } from 'drizzle-orm';
import type { GraphQLError } from 'graphql';
import { DEMO, DEMO_PASSWORD } from '../members.demo';
import { openMembersTestBed, viewerOf, type MembersTestBed } from '../members.fixtures';
import { createMembersSubgraph } from '../subgraph';
import type { Session } from './auth.service';

const codeOf = async (promise: Promise<unknown>) => {
  const error = (await promise.then(
    () => null,
    (e: unknown) => e,
  )) as GraphQLError | null;
  return error && { code: error.extensions.code, field: error.extensions.field, message: error.message };
};

describe('login, refresh and logout', () => {
  let bed: MembersTestBed;
  let verifier: AccessTokenVerifier;
  const auth = () => bed.subgraph.auth;

  beforeAll(async () => {
    bed = await openMembersTestBed({ maxFailedLoginsPerAddressAndEmail: 3, maxFailedLoginsPerAddress: 6, maxFailedLoginsPerAccountPerMinute: 4 });
    verifier = await AccessTokenVerifier.fromPem(bed.secrets.jwtPublicKey);
  });
  afterAll(() => bed.close());

  it('issues an access token naming the member, association and role', async () => {
    const session = await auth().login({ email: '  KARI@solbakken.example ', password: DEMO_PASSWORD }, '10.0.0.1');
    expect(await verifier.verify(session.accessToken)).toMatchObject({
      associationId: DEMO.solbakken,
      memberId: DEMO.kari,
      role: 'board',
      platformAdmin: false,
      // The association's language, for error messages when the caller names none (decision 0045).
      locale: 'nb',
    });
    expect(session.accessTokenExpiresAt.getTime() - Date.now()).toBeLessThanOrEqual(15 * 60 * 1000);
    expect(session.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("signs where the member lives and serves into the token: Ola's unit and building, Kari's board seat", async () => {
    const ola = await verifier.verify((await auth().login({ email: 'ola@solbakken.example', password: DEMO_PASSWORD }, '10.0.0.3')).accessToken);
    const kari = await verifier.verify((await auth().login({ email: 'kari@solbakken.example', password: DEMO_PASSWORD }, '10.0.0.3')).accessToken);
    expect(ola.scope).toEqual({ unitIds: [expect.any(String)], buildingIds: [expect.any(String)], committeeIds: [] });
    expect(kari.scope?.committeeIds).toHaveLength(1);
    // Both live in Blokk A, in different flats.
    expect(kari.scope?.buildingIds).toEqual(ola.scope?.buildingIds);
    expect(kari.scope?.unitIds).not.toEqual(ola.scope?.unitIds);
  });

  it('fails a wrong password and an unknown e-mail in exactly the same way', async () => {
    const wrongPassword = await codeOf(auth().login({ email: 'per@solbakken.example', password: 'nope' }, '10.0.0.2'));
    const unknownEmail = await codeOf(auth().login({ email: 'nobody@solbakken.example', password: 'nope' }, '10.0.0.2'));
    expect(wrongPassword).toEqual({ code: 'UNAUTHENTICATED', field: undefined, message: expect.any(String) });
    expect(unknownEmail).toEqual(wrongPassword);
  });

  it('locks an e-mail at the address that guessed, even for the right password, but not elsewhere', async () => {
    for (let i = 0; i < 3; i++) await codeOf(auth().login({ email: 'aase@solbakken.example', password: `guess-${i}` }, '10.1.0.1'));
    const locked = await codeOf(auth().login({ email: 'aase@solbakken.example', password: DEMO_PASSWORD }, '10.1.0.1'));
    expect(locked?.code).toBe('RATE_LIMITED');
    await expect(auth().login({ email: 'aase@solbakken.example', password: DEMO_PASSWORD }, '10.1.0.9')).resolves.toBeDefined();
  });

  it('slows an account guessed at from many addresses for at most a minute, except on its known device', async () => {
    const { deviceToken } = await auth().login({ email: 'ingrid@solbakken.example', password: DEMO_PASSWORD }, '10.1.1.1');
    for (let i = 0; i < 4; i++) await codeOf(auth().login({ email: 'ingrid@solbakken.example', password: `guess-${i}` }, `10.1.2.${i}`));

    const slowed = (await auth()
      .login({ email: 'ingrid@solbakken.example', password: DEMO_PASSWORD }, '10.1.1.2')
      .catch((e: unknown) => e)) as GraphQLError;
    expect(slowed.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(slowed.extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
    await expect(auth().login({ email: 'ingrid@solbakken.example', password: DEMO_PASSWORD, deviceToken }, '10.1.1.2')).resolves.toBeDefined();
  });

  it("holds a known device to its own count: after its own wrong passwords it is a stranger's device", async () => {
    const { deviceToken } = await auth().login({ email: 'per@solbakken.example', password: DEMO_PASSWORD }, '10.1.3.1');
    const guess = (i: number, address: string) => codeOf(auth().login({ email: 'per@solbakken.example', password: `guess-${i}`, deviceToken }, address));
    expect([await guess(0, '10.1.3.2'), await guess(1, '10.1.3.3'), await guess(2, '10.1.3.4')].map((e) => e?.code)).toEqual(Array(3).fill('UNAUTHENTICATED'));
    // Out of its own allowance, the device is slowed like anyone's once strangers guess at the account.
    for (let i = 3; i < 7; i++) await guess(i, `10.1.3.${i + 2}`);
    expect((await codeOf(auth().login({ email: 'per@solbakken.example', password: DEMO_PASSWORD, deviceToken }, '10.1.3.20')))?.code).toBe('RATE_LIMITED');
  });

  it('locks a client address that tries many accounts', async () => {
    for (let i = 0; i < 6; i++) {
      await codeOf(auth().login({ email: `victim${i}@example.com`, password: 'guess' }, '10.2.0.1'));
    }
    const blocked = await codeOf(auth().login({ email: 'jonas@solbakken.example', password: DEMO_PASSWORD }, '10.2.0.1'));
    expect(blocked?.code).toBe('RATE_LIMITED');
    await expect(auth().login({ email: 'jonas@solbakken.example', password: DEMO_PASSWORD }, '10.2.0.2')).resolves.toBeDefined();
  });

  it('rotates refresh tokens and revokes the whole session when a used one comes back', async () => {
    const first = await auth().login({ email: 'eva@fjordly.example', password: DEMO_PASSWORD }, '10.3.0.1');
    const second = await auth().refresh({ refreshToken: first.refreshToken });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await verifier.verify(second.accessToken)).toMatchObject({ memberId: DEMO.eva });

    expect(await codeOf(auth().refresh({ refreshToken: first.refreshToken }))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/already used/),
    });
    expect((await codeOf(auth().refresh({ refreshToken: second.refreshToken })))?.code).toBe('UNAUTHENTICATED');
  });

  it('ends the session on logout', async () => {
    const session = await auth().login({ email: 'ola@solbakken.example', password: DEMO_PASSWORD }, '10.4.0.1');
    expect(await auth().logout({ refreshToken: session.refreshToken })).toBe(true);
    expect((await codeOf(auth().refresh({ refreshToken: session.refreshToken })))?.code).toBe('UNAUTHENTICATED');
    expect(await auth().logout({ refreshToken: session.refreshToken })).toBe(false);
  });

  it('names the offending field for malformed input', async () => {
    expect(await codeOf(auth().login({ email: 'not-an-email', password: 'x' }, '10.5.0.1'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'email',
    });
    expect(await codeOf(auth().login({ email: 'kari@solbakken.example', password: DEMO_PASSWORD, associationId: DEMO.fjordly }, '10.5.0.1'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'associationId',
    });
  });

  describe('my memberships and switching association (decision 0046)', () => {
    const kari = viewerOf(DEMO.solbakken, DEMO.kari, 'board');
    let evaInSolbakken: string;
    let eva: Session;

    beforeAll(async () => {
      // Eva of Fjordly is also invited to Solbakken, as an external, and accepts with the account she has.
      const invitation = await bed.subgraph.invitations.invite(kari, bed.loadersFor(kari), {
        email: 'eva@fjordly.example',
        displayName: 'Eva Fjeld',
        externalTitle: 'Regnskapsfører',
      });
      evaInSolbakken = invitation.memberId;
      const { rows } = (await bed.db.system((tx) =>
        tx.execute(sql`select payload->>'token' as token from members.outbox where topic = 'member.invited' and payload->>'invitationId' = ${invitation.id}`),
      )) as { rows: { token: string }[] };
      await bed.subgraph.invitations.accept({ token: rows[0]!.token, password: DEMO_PASSWORD }, '10.6.0.9');
      eva = await auth().login({ email: 'eva@fjordly.example', password: DEMO_PASSWORD }, '10.6.0.1');
    });

    it('lists both associations of the account, and a login without a choice enters the oldest', async () => {
      const viewer = await verifier.verify(eva.accessToken);
      expect(viewer.associationId).toBe(DEMO.fjordly);
      const memberships = await auth().myMemberships(viewer);
      expect(memberships.map((m) => [m.associationName, m.memberId, m.roles, m.associationStatus, m.suspension])).toEqual([
        ['Fjordly sameie', DEMO.eva, expect.arrayContaining(['board', 'resident']), 'active', null],
        ['Solbakken borettslag', evaInSolbakken, ['external'], 'active', null],
      ]);
    });

    it('switches into the other membership with a new session, and the current one goes on', async () => {
      const switched = await auth().switchAssociation(await verifier.verify(eva.accessToken), { associationId: DEMO.solbakken });
      expect(await verifier.verify(switched.accessToken)).toMatchObject({ associationId: DEMO.solbakken, memberId: evaInSolbakken, role: 'external' });
      expect(switched.refreshToken).not.toBe(eva.refreshToken);
      eva = await auth().refresh({ refreshToken: eva.refreshToken });
      expect(await verifier.verify(eva.accessToken)).toMatchObject({ associationId: DEMO.fjordly });
    });

    it('never switches into an association the person is not an active member of, nor for anyone but a person', async () => {
      const viewer = await verifier.verify(eva.accessToken);
      const elsewhere = '00000000-0000-4000-8000-0000000000ff';
      expect(await codeOf(auth().switchAssociation(viewer, { associationId: elsewhere }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'associationId' });
      expect(
        await auth()
          .switchAssociation(viewer, { associationId: elsewhere })
          .catch((error: GraphQLError) => error.extensions.reason),
      ).toBe('NOT_A_MEMBER');
      // The current association is no switch: it would only copy the session (review fix 5).
      expect(
        await auth()
          .switchAssociation(viewer, { associationId: DEMO.fjordly })
          .catch((error: GraphQLError) => error.extensions),
      ).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'ALREADY_IN_ASSOCIATION',
        field: 'associationId',
      });
      expect(await codeOf(auth().switchAssociation(null, { associationId: DEMO.solbakken }))).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(await codeOf(auth().myMemberships({ ...viewer, integration: { apiKeyId: viewer.accountId, scopes: [] } }))).toMatchObject({ code: 'FORBIDDEN' });
      // A suspended membership is listed with its suspension, and cannot be entered.
      await bed.db.system((tx) => tx.execute(sql`update members.members set suspended_at = now(), suspension_reason = 'Test' where id = ${evaInSolbakken}`));
      expect((await auth().myMemberships(viewer)).find((m) => m.memberId === evaInSolbakken)?.suspension).toEqual({ reason: 'Test', until: null });
      expect(await codeOf(auth().switchAssociation(viewer, { associationId: DEMO.solbakken }))).toMatchObject({ code: 'FORBIDDEN' });
    });

    it('starts at most 30 sessions an hour per account by switching, refused ones counted (review fix 5)', async () => {
      const viewer = await verifier.verify(eva.accessToken);
      const outcomes: unknown[] = [];
      for (let i = 0; i < 30; i++) {
        outcomes.push(
          await auth()
            .switchAssociation(viewer, { associationId: DEMO.solbakken })
            .then(
              () => 'OK',
              (error: GraphQLError) => error.extensions.code,
            ),
        );
      }
      const limited = outcomes.indexOf('RATE_LIMITED');
      // The switches above used some of the 30; the suspended membership refuses the rest until the limit.
      expect(limited).toBeGreaterThan(20);
      expect(outcomes.slice(0, limited).every((outcome) => outcome === 'FORBIDDEN')).toBe(true);
      expect(outcomes.slice(limited).every((outcome) => outcome === 'RATE_LIMITED')).toBe(true);
    });
  });

  it('logs in, refuses a wrong password and still limits guesses while Redis is down: the password limits count in the process (decision 0062)', async () => {
    const redis = await openRedisThroughRelay();
    try {
      const cutOff = await createMembersSubgraph({
        database: bed.connection,
        store: redis.store,
        jwtPrivateKey: bed.secrets.jwtPrivateKey,
        fileStorage: new FilesystemStorage(bed.storageDir),
        auth: { maxFailedLoginsPerAddressAndEmail: 3, maxFailedLoginsPerAddress: 6, maxFailedLoginsPerAccountPerMinute: 4 },
      });
      await redis.cut();
      const attempt = (password: string, address = '10.9.0.1') =>
        cutOff.auth.login({ email: 'jonas@solbakken.example', password }, address).then(
          (session) => (session.accessToken ? 'TOKEN' : 'NONE'),
          (error: Partial<GraphQLError>) => error.extensions?.code ?? 'INTERNAL_SERVER_ERROR',
        );
      // Before decision 0053 each waited for the client's reconnection attempts and then failed (7.9 s in issue 17).
      // The outcome is what is asserted, not the time: argon2 on a loaded machine has no bound a test could rely on.
      expect([await attempt('not her password'), await attempt(DEMO_PASSWORD)]).toEqual(['UNAUTHENTICATED', 'TOKEN']);
      // The right password reset the address's count: three more wrong ones are allowed, the fourth is refused.
      const guesses = [];
      for (let i = 0; i < 4; i++) guesses.push(await attempt(`guess ${i}`));
      expect(guesses).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
    } finally {
      await redis.close();
    }
  });
});
