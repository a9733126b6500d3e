import { sql } from 'drizzle-orm';
import type { GraphQLError } from 'graphql';
import { AccessTokenVerifier } from '@tunet/kit';
import { DEMO, DEMO_PASSWORD } from '../members.demo';
import { errorOf, openMembersTestBed, viewerOf, type MembersTestBed } from '../members.fixtures';

type Outboxed = { topic: string; payload: Record<string, string> };

describe('invitations', () => {
  let bed: MembersTestBed;
  const kari = viewerOf(DEMO.solbakken, DEMO.kari, 'board');
  const ola = viewerOf(DEMO.solbakken, DEMO.ola, 'resident');
  const invite = (input: Record<string, unknown>, viewer = kari) => bed.subgraph.invitations.invite(viewer, bed.loadersFor(viewer), input);
  const events = () =>
    bed.db.system(async (tx) => ((await tx.execute(sql`select topic, payload from members.outbox order by id`)) as { rows: Outboxed[] }).rows);
  const tokenFor = async (invitationId: string) =>
    (await events()).filter((e) => e.topic === 'member.invited' && e.payload.invitationId === invitationId).at(-1)!.payload.token!;
  const reasonOf = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: GraphQLError) => ({
        code: error.extensions.code,
        reason: error.extensions.reason,
        field: error.extensions.field,
        ...(error.extensions.existingAccount === undefined ? {} : { existingAccount: error.extensions.existingAccount }),
        ...(error.extensions.expiredAt === undefined ? {} : { expiredAt: error.extensions.expiredAt }),
      }),
    );
  let unitId: string;

  beforeAll(async () => {
    bed = await openMembersTestBed({ maxFailedLoginsPerAddress: 3 });
    const [blokkA] = await bed.subgraph.repositories.housing.listBuildings(DEMO.solbakken);
    unitId = (await bed.subgraph.repositories.housing.unitsInBuildings(DEMO.solbakken, [blokkA!.id])).find((u) => u.number === 'H0102')!.id;
  });
  afterAll(() => bed.close());

  it('invites a resident: the membership and tenure exist at once, the link is announced, only its hash stored', async () => {
    const invitation = await invite({ email: 'Nina@Example.com', displayName: 'Nina Nyinnflyttet', unitId, relation: 'OWNER' });
    expect(invitation).toMatchObject({ email: 'nina@example.com', sendCount: 1, acceptedAt: null });
    const [member] = await bed.subgraph.repositories.members.findMembers(DEMO.solbakken, [invitation.memberId]);
    expect(member).toMatchObject({ displayName: 'Nina Nyinnflyttet', accountId: null, roles: ['resident'] });
    const token = await tokenFor(invitation.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(invitation.tokenHash).not.toContain(token);
  });

  it('accepts once: creates the account, logs in, announces member.joined; the link then stops working', async () => {
    const invitation = await invite({ email: 'tor@example.com', displayName: 'Tor Tilflytter', externalTitle: 'Regnskapsfører' });
    const token = await tokenFor(invitation.id);
    const session = await bed.subgraph.invitations.accept({ token, password: 'et-godt-passord' }, '10.8.0.9');
    const viewer = await (await AccessTokenVerifier.fromPem(bed.secrets.jwtPublicKey)).verify(session.accessToken);
    expect(viewer).toMatchObject({ associationId: DEMO.solbakken, memberId: invitation.memberId, role: 'external' });
    expect((await events()).map((e) => e.topic)).toContain('member.joined');
    expect(await errorOf(bed.subgraph.invitations.accept({ token, password: 'et-godt-passord' }, '10.8.0.9'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'token',
    });
    await expect(bed.subgraph.auth.login({ email: 'tor@example.com', password: 'et-godt-passord' }, '10.8.0.1')).resolves.toBeDefined();
  });

  it("links an existing account instead of creating a second one, only with that account's own password", async () => {
    const invitation = await invite({ email: 'eva@fjordly.example', displayName: 'Eva Fjeld', externalTitle: 'Styreleder i nabolaget' });
    const token = await tokenFor(invitation.id);
    // The link alone is no proof of holding Eva's account (and every association of hers): a board could invite her address.
    expect(await reasonOf(bed.subgraph.invitations.accept({ token }, '10.8.0.9'))).toMatchObject({
      reason: 'PASSWORD_REQUIRED',
      field: 'password',
      existingAccount: true,
    });
    expect(await reasonOf(bed.subgraph.invitations.accept({ token, password: 'not-her-password' }, '10.8.0.9'))).toMatchObject({
      reason: 'INVALID_CREDENTIALS',
    });
    await bed.subgraph.invitations.accept({ token, password: DEMO_PASSWORD }, '10.8.0.9');
    await expect(
      bed.subgraph.auth.login({ email: 'eva@fjordly.example', password: DEMO_PASSWORD, associationId: DEMO.solbakken }, '10.8.0.2'),
    ).resolves.toBeDefined();
  });

  it('resending replaces the link; revoking kills it', async () => {
    const invitation = await invite({ email: 'liv@example.com', displayName: 'Liv', externalTitle: 'Renholder' });
    const first = await tokenFor(invitation.id);
    const resent = await bed.subgraph.invitations.resend(kari, bed.loadersFor(kari), { invitationId: invitation.id });
    expect(resent.sendCount).toBe(2);
    const second = await tokenFor(invitation.id);
    expect(second).not.toBe(first);
    expect(await errorOf(bed.subgraph.invitations.accept({ token: first, password: 'et-godt-passord' }, '10.8.0.9'))).toMatchObject({ field: 'token' });
    await bed.subgraph.invitations.revoke(kari, { invitationId: invitation.id });
    expect(await errorOf(bed.subgraph.invitations.accept({ token: second, password: 'et-godt-passord' }, '10.8.0.9'))).toMatchObject({ field: 'token' });
    expect(await errorOf(bed.subgraph.invitations.resend(kari, bed.loadersFor(kari), { invitationId: invitation.id }))).toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses an expired link, and resending gives a working one', async () => {
    const invitation = await invite({ email: 'siri@example.com', displayName: 'Siri', externalTitle: 'Snømåker' });
    await bed.db.system((tx) => tx.execute(sql`update members.invitations set expires_at = now() - interval '1 minute' where id = ${invitation.id}`));
    const stale = await tokenFor(invitation.id);
    expect(await errorOf(bed.subgraph.invitations.accept({ token: stale, password: 'et-godt-passord' }, '10.8.0.9'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'token',
    });
    await bed.subgraph.invitations.resend(kari, bed.loadersFor(kari), { invitationId: invitation.id });
    await expect(bed.subgraph.invitations.accept({ token: await tokenFor(invitation.id), password: 'et-godt-passord' }, '10.8.0.9')).resolves.toBeDefined();
  });

  it('refuses duplicates, half-specified invitations and residents, writing nothing', async () => {
    const before = (await events()).length;
    expect(await errorOf(invite({ email: 'ola@solbakken.example', displayName: 'Ola', externalTitle: 'x' }))).toMatchObject({ code: 'CONFLICT' });
    expect(await errorOf(invite({ email: 'x@example.com', displayName: 'X', unitId, relation: 'OWNER', externalTitle: 'Vakt' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'unitId',
    });
    // A unit without a relation used to pass as an external whenever a title came with it ("not both", issue 16).
    expect(await errorOf(invite({ email: 'x@example.com', displayName: 'X', unitId, externalTitle: 'Vakt' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'unitId',
    });
    const both = await invite({ email: 'x@example.com', displayName: 'X', unitId, externalTitle: 'Vakt' }).catch((error: GraphQLError) => error);
    expect(((both as GraphQLError).extensions.invalidFields as { field: string; reason: string }[]).map((invalid) => [invalid.field, invalid.reason])).toEqual([
      ['unitId', 'RESIDENT_OR_EXTERNAL'],
      ['externalTitle', 'RESIDENT_OR_EXTERNAL'],
    ]);
    expect(await errorOf(invite({ email: 'x@example.com', displayName: 'X', relation: 'OWNER', externalTitle: 'Vakt' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'relation',
    });
    expect(await errorOf(invite({ email: 'x@example.com', displayName: 'X', unitId }))).toEqual({ code: 'BAD_USER_INPUT', field: 'relation' });
    expect(await errorOf(invite({ email: 'x@example.com', displayName: 'X' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'unitId' });
    expect(await errorOf(invite({ email: 'not-an-email', displayName: 'X', externalTitle: 'Vakt' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'email' });
    expect(await errorOf(invite({ email: 'x@example.com', displayName: 'X', externalTitle: 'Vakt' }, ola))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await events()).length).toBe(before);
  });

  describe('invitationPreview (decision 0046)', () => {
    const preview = (token: string, ip = '10.7.0.1') => bed.subgraph.invitations.preview({ token }, ip);

    it('shows the association, the inviter, the home and whether a password is needed, and nothing once it is used', async () => {
      const invitation = await invite({ email: 'pia@example.com', displayName: 'Pia Preview', unitId, relation: 'TENANT' });
      const token = await tokenFor(invitation.id);
      expect(await preview(token)).toEqual({
        associationName: 'Solbakken borettslag',
        invitedBy: 'Kari Nordmann',
        displayName: 'Pia Preview',
        email: 'pia@example.com',
        unitNumber: 'H0102',
        buildingName: 'Blokk A',
        relation: 'tenant',
        externalTitle: null,
        committeeRole: null,
        expiresAt: invitation.expiresAt,
        passwordRequired: true,
        existingAccount: false,
      });
      // Accepting needs the password the preview asked for.
      expect(await reasonOf(bed.subgraph.invitations.accept({ token }, '10.8.0.9'))).toEqual({
        code: 'BAD_USER_INPUT',
        reason: 'PASSWORD_REQUIRED',
        field: 'password',
        existingAccount: false,
      });
      await bed.subgraph.invitations.accept({ token, password: 'et-godt-passord' }, '10.8.0.9');
      expect(await reasonOf(preview(token))).toEqual({ code: 'BAD_USER_INPUT', reason: 'INVITATION_INVALID', field: 'token' });
    });

    it("asks the existing account's password when the e-mail has an account, and accepting keeps that password", async () => {
      await bed.subgraph.auth.createAccount('konto@example.com', 'the password she has');
      const invitation = await invite({ email: 'konto@example.com', displayName: 'Konto', externalTitle: 'Revisor' });
      const token = await tokenFor(invitation.id);
      expect(await preview(token)).toMatchObject({ passwordRequired: true, existingAccount: true, externalTitle: 'Revisor', unitNumber: null, relation: null });
      expect(await reasonOf(bed.subgraph.invitations.accept({ token }, '10.8.0.9'))).toMatchObject({ reason: 'PASSWORD_REQUIRED', existingAccount: true });
      await expect(bed.subgraph.invitations.accept({ token, password: 'the password she has' }, '10.8.0.9')).resolves.toBeDefined();
      await expect(bed.subgraph.auth.login({ email: 'konto@example.com', password: 'the password she has' }, '10.7.1.1')).resolves.toBeDefined();
    });

    it('refuses an unknown or expired link with its reason, and counts unknown links per client address', async () => {
      const invitation = await invite({ email: 'old@example.com', displayName: 'Old', externalTitle: 'Snømåker' });
      await bed.db.system((tx) => tx.execute(sql`update members.invitations set expires_at = now() - interval '1 minute' where id = ${invitation.id}`));
      const expired = {
        code: 'BAD_USER_INPUT',
        reason: 'INVITATION_EXPIRED',
        field: 'token',
        expiredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\+0[12]:00$/),
      };
      expect(await reasonOf(preview(await tokenFor(invitation.id)))).toEqual(expired);
      expect(await reasonOf(bed.subgraph.invitations.accept({ token: await tokenFor(invitation.id), password: 'et-godt-passord' }, '10.8.0.9'))).toEqual(
        expired,
      );
      // The bed allows 3 wrong tokens or passwords per address (maxFailedLoginsPerAddress).
      const guesses = [];
      for (const i of [1, 2, 3, 4]) {
        const refusal = await reasonOf(preview(`guess-${i}`, '10.7.9.9'));
        guesses.push(refusal?.code === 'RATE_LIMITED' ? 'RATE_LIMITED' : refusal?.reason);
      }
      expect(guesses).toEqual(['INVITATION_INVALID', 'INVITATION_INVALID', 'INVITATION_INVALID', 'RATE_LIMITED']);
    });
  });
});
