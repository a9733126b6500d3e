import { sql } from 'drizzle-orm';
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
  let unitId: string;

  beforeAll(async () => {
    bed = await openMembersTestBed();
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
    const session = await bed.subgraph.invitations.accept({ token, password: 'et-godt-passord' });
    const viewer = await (await AccessTokenVerifier.fromPem(bed.secrets.jwtPublicKey)).verify(session.accessToken);
    expect(viewer).toMatchObject({ associationId: DEMO.solbakken, memberId: invitation.memberId, role: 'external' });
    expect((await events()).map((e) => e.topic)).toContain('member.joined');
    expect(await errorOf(bed.subgraph.invitations.accept({ token, password: 'et-godt-passord' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'token' });
    await expect(bed.subgraph.auth.login({ email: 'tor@example.com', password: 'et-godt-passord' }, '10.8.0.1')).resolves.toBeDefined();
  });

  it('links an existing account instead of creating a second one', async () => {
    const invitation = await invite({ email: 'eva@fjordly.example', displayName: 'Eva Fjeld', externalTitle: 'Styreleder i nabolaget' });
    await bed.subgraph.invitations.accept({ token: await tokenFor(invitation.id), password: 'ignored-because-account-exists' });
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
    expect(await errorOf(bed.subgraph.invitations.accept({ token: first, password: 'et-godt-passord' }))).toMatchObject({ field: 'token' });
    await bed.subgraph.invitations.revoke(kari, { invitationId: invitation.id });
    expect(await errorOf(bed.subgraph.invitations.accept({ token: second, password: 'et-godt-passord' }))).toMatchObject({ field: 'token' });
    expect(await errorOf(bed.subgraph.invitations.resend(kari, bed.loadersFor(kari), { invitationId: invitation.id }))).toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses an expired link, and resending gives a working one', async () => {
    const invitation = await invite({ email: 'siri@example.com', displayName: 'Siri', externalTitle: 'Snømåker' });
    await bed.db.system((tx) => tx.execute(sql`update members.invitations set expires_at = now() - interval '1 minute' where id = ${invitation.id}`));
    const stale = await tokenFor(invitation.id);
    expect(await errorOf(bed.subgraph.invitations.accept({ token: stale, password: 'et-godt-passord' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'token' });
    await bed.subgraph.invitations.resend(kari, bed.loadersFor(kari), { invitationId: invitation.id });
    await expect(bed.subgraph.invitations.accept({ token: await tokenFor(invitation.id), password: 'et-godt-passord' })).resolves.toBeDefined();
  });

  it('refuses duplicates, half-specified invitations and residents, writing nothing', async () => {
    const before = (await events()).length;
    expect(await errorOf(invite({ email: 'ola@solbakken.example', displayName: 'Ola', externalTitle: 'x' }))).toMatchObject({ code: 'CONFLICT' });
    expect(await errorOf(invite({ email: 'x@example.com', displayName: 'X', unitId, relation: 'OWNER', externalTitle: 'Vakt' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'unitId',
    });
    expect(await errorOf(invite({ email: 'x@example.com', displayName: 'X', unitId }))).toEqual({ code: 'BAD_USER_INPUT', field: 'unitId' });
    expect(await errorOf(invite({ email: 'not-an-email', displayName: 'X', externalTitle: 'Vakt' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'email' });
    expect(await errorOf(invite({ email: 'x@example.com', displayName: 'X', externalTitle: 'Vakt' }, ola))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await events()).length).toBe(before);
  });
});
