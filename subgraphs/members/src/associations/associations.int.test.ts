import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { AccessTokenVerifier, type Viewer } from '@tunet/kit';
import { DEMO } from '../members.demo';
import { errorOf, openMembersTestBed, osloDate, viewerOf, type MembersTestBed } from '../members.fixtures';
import { AssociationsRepository } from './associations.repository';
import { ASSOCIATION_PROFILE_ROUTE, CURRENT_ASSOCIATIONS_ROUTE } from './associations.routes';

type Outboxed = { topic: string; association_id: string; payload: Record<string, string> };

describe('onboarding associations', () => {
  let bed: MembersTestBed;
  const operator: Viewer = { accountId: randomUUID(), associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };
  const kari = viewerOf(DEMO.solbakken, DEMO.kari, 'board');
  const events = () =>
    bed.db.system(async (tx) => ((await tx.execute(sql`select topic, association_id, payload from members.outbox order by id`)) as { rows: Outboxed[] }).rows);
  const count = async (table: string) =>
    bed.db.system(async (tx) => Number(((await tx.execute(sql.raw(`select count(*) as n from members.${table}`))) as { rows: { n: string }[] }).rows[0]!.n));
  const input = (overrides: Record<string, unknown> = {}) => ({
    name: 'Nyheim sameie',
    orgNumber: '911000008',
    street: 'Nyheimveien 1',
    postalCode: '0580',
    city: 'Oslo',
    contactEmail: 'styret@nyheim.example',
    firstBoardMember: { displayName: 'Nora Nyheim', email: 'Nora@Nyheim.example' },
    termsAcceptance: { version: '2026-01', acceptedBy: 'Nora Nyheim' },
    ...overrides,
  });
  const profile = (associationId: string) =>
    bed.subgraph.definition.internalRoutes![ASSOCIATION_PROFILE_ROUTE]!({ associationId }, { viewer: null, requestId: 'test', clientIp: '' });

  beforeAll(async () => {
    bed = await openMembersTestBed();
  });
  afterAll(() => bed.close());

  it('creates the association with its board, its written acceptance of the terms and the first board member invited', async () => {
    const { association, invitation } = await bed.subgraph.associations.create(operator, input({ locale: 'EN', timeZone: 'Europe/Berlin' }));
    expect(association).toMatchObject({ name: 'Nyheim sameie', orgNumber: '911000008', status: 'active', locale: 'en', timeZone: 'Europe/Berlin' });
    const [board] = await bed.subgraph.repositories.committees.listCommittees(association.id);
    expect(board).toMatchObject({ kind: 'board' });
    expect(invitation).toMatchObject({ email: 'nora@nyheim.example', committeeId: board!.id, committeeRole: 'leader', acceptedAt: null });
    const [acceptance] = await bed.db.tenant(
      association.id,
      async (tx) => ((await tx.execute(sql`select * from members.terms_acceptances`)) as { rows: Record<string, unknown>[] }).rows,
    );
    expect(acceptance).toMatchObject({
      version: '2026-01',
      accepted_by_name: 'Nora Nyheim',
      recorded_by_account_id: operator.accountId,
      recorded_by_member_id: null,
    });
    const invited = (await events()).filter((e) => e.topic === 'member.invited' && e.payload.invitationId === invitation.id);
    expect(invited).toEqual([expect.objectContaining({ association_id: association.id })]);

    // Accepting the link makes the first board member the board from that day on.
    const session = await bed.subgraph.invitations.accept({ token: invited[0]!.payload.token, password: 'et-godt-passord' }, '10.6.0.9');
    const viewer = await (await AccessTokenVerifier.fromPem(bed.secrets.jwtPublicKey)).verify(session.accessToken);
    expect(viewer).toMatchObject({ associationId: association.id, memberId: invitation.memberId, role: 'board' });
    const [term] = await bed.subgraph.repositories.committees.termsOf(association.id, 'member', [invitation.memberId], true);
    expect(term).toMatchObject({ committeeId: board!.id, role: 'leader', termFrom: osloDate(), termTo: null, active: true });
  });

  it('defaults to Europe/Oslo and Norwegian, and calls the board Styret', async () => {
    const { association } = await bed.subgraph.associations.create(operator, input({ orgNumber: '911000016', name: 'Standard borettslag' }));
    expect(association).toMatchObject({ timeZone: 'Europe/Oslo', locale: 'nb' });
    expect(await bed.subgraph.repositories.committees.listCommittees(association.id)).toEqual([expect.objectContaining({ name: 'Styret' })]);
  });

  it('refuses an organisation number already in Tunet with CONFLICT, writing nothing', async () => {
    const before = { associations: await count('associations'), events: (await events()).length };
    expect(await errorOf(bed.subgraph.associations.create(operator, input({ orgNumber: '987654325' })))).toEqual({ code: 'CONFLICT', field: undefined });
    expect({ associations: await count('associations'), events: (await events()).length }).toEqual(before);
  });

  it('names the field of invalid input', async () => {
    const refused = (overrides: Record<string, unknown>) =>
      errorOf(bed.subgraph.associations.create(operator, input({ orgNumber: '911000024', ...overrides })));
    expect(await refused({ orgNumber: '911000009' })).toEqual({ code: 'BAD_USER_INPUT', field: 'orgNumber' });
    expect(await refused({ postalCode: '580' })).toEqual({ code: 'BAD_USER_INPUT', field: 'postalCode' });
    expect(await refused({ contactEmail: 'not-an-address' })).toEqual({ code: 'BAD_USER_INPUT', field: 'contactEmail' });
    expect(await refused({ timeZone: 'Mars/Olympus' })).toEqual({ code: 'BAD_USER_INPUT', field: 'timeZone' });
    expect(await refused({ firstBoardMember: { displayName: 'X', email: 'x' } })).toEqual({ code: 'BAD_USER_INPUT', field: 'firstBoardMember.email' });
    expect(await refused({ termsAcceptance: { version: '2025-07', acceptedBy: 'X' } })).toEqual({ code: 'BAD_USER_INPUT', field: 'termsAcceptance.version' });
    expect(await refused({ street: '   ' })).toEqual({ code: 'BAD_USER_INPUT', field: 'street' });
  });

  it('leaves no association behind when inviting the first board member fails', async () => {
    const repository = new AssociationsRepository(bed.db);
    const [taken] = await bed.db.system(
      async (tx) => ((await tx.execute(sql`select token_hash from members.invitations limit 1`)) as { rows: { token_hash: string }[] }).rows,
    );
    const id = randomUUID();
    const onboarding = {
      association: { id, name: 'Halvveis borettslag', orgNumber: '911000032', timeZone: 'Europe/Oslo', locale: 'nb' as const },
      board: { id: randomUUID(), name: 'Styret' },
      acceptance: { version: '2026-01', acceptedByName: 'Hanne', recordedByAccountId: operator.accountId },
      firstBoardMember: { id: randomUUID(), displayName: 'Hanne', email: 'hanne@example.com' },
      // A link token another invitation holds: the invitation's insert fails after the association's went in.
      invitation: {
        id: randomUUID(),
        email: 'hanne@example.com',
        tokenHash: taken!.token_hash,
        expiresAt: new Date(),
        committeeId: '',
        committeeRole: 'leader' as const,
      },
    };
    onboarding.invitation.committeeId = onboarding.board.id;
    await expect(
      repository.create(onboarding, () => ({ topic: 'member.joined', payload: { memberId: randomUUID(), invitationId: randomUUID() } })),
    ).rejects.toThrow();
    expect(await repository.find(id)).toBeNull();
    expect((await bed.subgraph.associations.list(operator, { search: '911000032' })).nodes).toEqual([]);
  });

  it('lets only platform operators create and list associations', async () => {
    const integration: Viewer = { ...operator, integration: { apiKeyId: randomUUID(), scopes: ['members:read'] } };
    for (const [viewer, code] of [
      [null, 'UNAUTHENTICATED'],
      [kari, 'FORBIDDEN'],
      [{ ...kari, platformAdmin: false }, 'FORBIDDEN'],
      [integration, 'FORBIDDEN'],
    ] as const) {
      expect(await errorOf(bed.subgraph.associations.create(viewer, input({ orgNumber: '911000040' })))).toMatchObject({ code });
      expect(await errorOf(bed.subgraph.associations.list(viewer, {}))).toMatchObject({ code });
    }
  });

  it('lists every association in name order, a page at a time, searching names and organisation numbers', async () => {
    const names = async (args: Parameters<MembersTestBed['subgraph']['associations']['list']>[1]) =>
      (await bed.subgraph.associations.list(operator, args)).nodes.map((a) => a.name);
    const all = await names({ first: 100 });
    expect(all).toEqual([...all].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(all).toEqual(expect.arrayContaining(['Nyheim sameie', 'Standard borettslag', 'Solbakken borettslag']));
    expect(await names({ search: 'NYHEIM' })).toEqual(['Nyheim sameie']);
    expect(await names({ search: '987654325' })).toEqual(['Solbakken borettslag']);
    expect(await names({ search: '100%' })).toEqual([]);
    expect(await names({ status: 'TERMINATED' })).toEqual([]);

    const first = await bed.subgraph.associations.list(operator, { first: 1 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await bed.subgraph.associations.list(operator, { first: 100, after: first.pageInfo.endCursor });
    expect([...first.nodes, ...second.nodes].map((a) => a.name)).toEqual(all);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(await errorOf(bed.subgraph.associations.list(operator, { first: 101 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await errorOf(bed.subgraph.associations.list(operator, { after: 'forged' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(await errorOf(bed.subgraph.associations.list(operator, { search: 'x'.repeat(201) }))).toEqual({ code: 'BAD_USER_INPUT', field: 'search' });
  });

  it('answers the profile route with the legal details and whether they are complete; 404 for no association', async () => {
    const [nyheim] = (await bed.subgraph.associations.list(operator, { search: 'Nyheim' })).nodes;
    expect(await profile(nyheim!.id)).toEqual({
      associationId: nyheim!.id,
      name: 'Nyheim sameie',
      orgNumber: '911000008',
      postalAddress: { street: 'Nyheimveien 1', postalCode: '0580', city: 'Oslo' },
      contactEmail: 'styret@nyheim.example',
      timeZone: 'Europe/Berlin',
      locale: 'en',
      status: 'active',
      legalDetailsComplete: true,
    });
    await bed.subgraph.members.updateAssociation(kari, { associationId: DEMO.solbakken, city: null });
    expect(await profile(DEMO.solbakken)).toMatchObject({ postalAddress: null, legalDetailsComplete: false });
    await expect(profile(randomUUID())).rejects.toMatchObject({ status: 404 });
    await expect(profile('not-an-id')).rejects.toMatchObject({ status: 400 });
  });

  it('answers the current-associations route with every association but the terminated, for the privacy subgraph', async () => {
    const current = async () => {
      const answer = (await bed.subgraph.definition.internalRoutes![CURRENT_ASSOCIATIONS_ROUTE]!(
        { kind: 'associations.current' },
        { viewer: null, requestId: 'test', clientIp: '' },
      )) as { associations: { associationId: string; status: string }[] };
      return answer.associations.map((a) => a.associationId);
    };
    const all = (await bed.subgraph.associations.list(operator, { first: 100 })).nodes;
    expect((await current()).sort()).toEqual(all.map((a) => a.id).sort());
    await bed.db.system((tx) =>
      tx.execute(
        sql`update members.associations set status = 'blocked', blocked_at = now(), blocked_ground = 'illegal_use', blocked_reason = 'test' where id = ${DEMO.solbakken}`,
      ),
    );
    await bed.db.system((tx) =>
      tx.execute(sql`update members.associations set status = 'terminated', terminated_on = current_date where id = ${DEMO.fjordly}`),
    );
    expect(await current()).toContain(DEMO.solbakken);
    expect(await current()).not.toContain(DEMO.fjordly);
    await expect(
      bed.subgraph.definition.internalRoutes![CURRENT_ASSOCIATIONS_ROUTE]!({ associationId: DEMO.solbakken }, { viewer: null, requestId: 't', clientIp: '' }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
