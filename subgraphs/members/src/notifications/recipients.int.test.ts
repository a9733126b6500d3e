import { randomUUID } from 'node:crypto';
import { InternalRouteError, MEMBER_HOMES_ROUTE, MEMBER_ROLES_ROUTE, type MemberHome, type MemberRolesEntry, type RequestContext } from '@tunet/kit';
import { DEMO } from '../members.demo';
import { associations, buildings, committees, committeeTerms, members, tenures, units } from '../tables';
import { openMembersTestBed, osloDate, viewerOf, type MembersTestBed } from '../members.fixtures';
import type { RecipientsAnswer } from './recipients.repository';
import { RECIPIENTS_ROUTE } from './recipients.routes';

describe('the recipients route for notifications', () => {
  let bed: MembersTestBed;
  const fromProcess: RequestContext = { viewer: null, requestId: 'test', clientIp: '' };
  const ask = (body: unknown, request = fromProcess) => bed.subgraph.definition.internalRoutes![RECIPIENTS_ROUTE]!(body, request) as Promise<RecipientsAnswer>;
  const reached = async (associationId: string, spec: unknown) => (await ask({ associationId, spec })).recipients.map((r) => r.memberId).sort();
  const ids = (...memberIds: string[]) => [...memberIds].sort();
  const refusal = (body: unknown) =>
    ask(body).then(
      () => null,
      (error: unknown) => (error instanceof InternalRouteError ? error.status : error),
    );
  let blokkA: string;
  let blokkB: string;
  let festkomiteen: string;
  let fjordlyBuilding: string;

  beforeAll(async () => {
    bed = await openMembersTestBed();
    const solbakkenBuildings = await bed.subgraph.repositories.housing.listBuildings(DEMO.solbakken);
    blokkA = solbakkenBuildings.find((b) => b.name === 'Blokk A')!.id;
    blokkB = solbakkenBuildings.find((b) => b.name === 'Blokk B')!.id;
    festkomiteen = (await bed.subgraph.repositories.committees.listCommittees(DEMO.solbakken)).find((c) => c.name === 'Festkomiteen')!.id;
    fjordlyBuilding = (await bed.subgraph.repositories.housing.listBuildings(DEMO.fjordly))[0]!.id;
  });
  afterAll(() => bed.close());

  const everyoneCurrent = [DEMO.kari, DEMO.ola, DEMO.ingrid, DEMO.aase, DEMO.per, DEMO.jonas];

  it("answers the association's name and language, with nobody for an empty member list", async () => {
    expect(await ask({ associationId: DEMO.solbakken, spec: { kind: 'members', memberIds: [] } })).toEqual({
      association: { id: DEMO.solbakken, name: 'Solbakken borettslag', locale: 'nb', timeZone: 'Europe/Oslo' },
      recipients: [],
    });
    expect(await ask({ associationId: randomUUID(), spec: { kind: 'board' } })).toEqual({ association: null, recipients: [] });
  });

  it('reaches every current member of the association once, externals included, and not those who moved out', async () => {
    const answer = await ask({ associationId: DEMO.solbakken, spec: { kind: 'audience', audience: { kind: 'association', id: null } } });
    expect(answer.recipients.map((r) => r.memberId).sort()).toEqual(ids(...everyoneCurrent));
    expect(answer.recipients.find((r) => r.memberId === DEMO.ola)).toEqual({
      memberId: DEMO.ola,
      displayName: 'Ola Hansen',
      email: 'ola@solbakken.example',
      phone: null,
    });
  });

  it('reaches the residents of a building, and the board with every audience', async () => {
    const building = (id: string) => reached(DEMO.solbakken, { kind: 'audience', audience: { kind: 'building', id } });
    expect(await building(blokkA)).toEqual(ids(DEMO.kari, DEMO.ola, DEMO.ingrid));
    expect(await building(blokkB)).toEqual(ids(DEMO.kari, DEMO.aase, DEMO.per));
  });

  it('reaches those serving on a committee, and the board', async () => {
    expect(await reached(DEMO.solbakken, { kind: 'audience', audience: { kind: 'committee', id: festkomiteen } })).toEqual(ids(DEMO.kari, DEMO.per));
  });

  it('reaches the current board as a spec and as an audience', async () => {
    expect(await reached(DEMO.solbakken, { kind: 'board' })).toEqual([DEMO.kari]);
    expect(await reached(DEMO.solbakken, { kind: 'audience', audience: { kind: 'board' } })).toEqual([DEMO.kari]);
  });

  it('reaches the named members who are current, and the board when asked to', async () => {
    const named = [DEMO.ola, DEMO.former, DEMO.ola, DEMO.eva, randomUUID()];
    expect(await reached(DEMO.solbakken, { kind: 'members', memberIds: named })).toEqual([DEMO.ola]);
    expect(await reached(DEMO.solbakken, { kind: 'members', memberIds: named, includeBoard: true })).toEqual(ids(DEMO.kari, DEMO.ola));
  });

  it("reaches nobody through another association's ids: its members, buildings and committees", async () => {
    expect(await reached(DEMO.fjordly, { kind: 'members', memberIds: [DEMO.kari, DEMO.ola] })).toEqual([]);
    expect(await reached(DEMO.fjordly, { kind: 'audience', audience: { kind: 'building', id: blokkA } })).toEqual([DEMO.eva]);
    expect(await reached(DEMO.fjordly, { kind: 'audience', audience: { kind: 'committee', id: festkomiteen } })).toEqual([DEMO.eva]);
    expect(await reached(DEMO.solbakken, { kind: 'audience', audience: { kind: 'building', id: fjordlyBuilding } })).toEqual([DEMO.kari]);
    expect(await reached(DEMO.fjordly, { kind: 'audience', audience: { kind: 'association' } })).toEqual([DEMO.eva]);
  });

  it('leaves out suspended members until their suspension ends, unless asked for them by name', async () => {
    const suspend = (suspendedUntil: string | null) =>
      bed.subgraph.repositories.members.updateMember(DEMO.solbakken, DEMO.ingrid, {
        suspendedAt: new Date(),
        suspensionReason: 'Brudd på husordensreglene',
        suspendedUntil,
      });
    const association = { kind: 'audience', audience: { kind: 'association' } };
    try {
      await suspend(null);
      expect(await reached(DEMO.solbakken, association)).not.toContain(DEMO.ingrid);
      expect(await reached(DEMO.solbakken, { kind: 'members', memberIds: [DEMO.ingrid] })).toEqual([]);
      expect(await reached(DEMO.solbakken, { kind: 'members', memberIds: [DEMO.ingrid], includeSuspended: true })).toEqual([DEMO.ingrid]);
      await suspend(osloDate(0));
      expect(await reached(DEMO.solbakken, association)).not.toContain(DEMO.ingrid);
      await suspend(osloDate(-1));
      expect(await reached(DEMO.solbakken, association)).toContain(DEMO.ingrid);
    } finally {
      await bed.subgraph.repositories.members.updateMember(DEMO.solbakken, DEMO.ingrid, { suspendedAt: null, suspensionReason: null, suspendedUntil: null });
    }
  });

  it('counts a tenure through its move-out day and a board seat through its last day, as roles do', async () => {
    const tenant = DEMO.solbakken;
    const [leaving, left, former, unit] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      (await bed.subgraph.repositories.housing.unitsInBuildings(tenant, [blokkA]))[0]!,
    ];
    await bed.subgraph.repositories.members.insertMembers(tenant, [
      { id: leaving, displayName: 'Flytter i dag', email: 'i-dag@solbakken.example' },
      { id: left, displayName: 'Flyttet i går', email: 'i-gaar@solbakken.example' },
      { id: former, displayName: 'Tidligere styremedlem', email: 'styret-før@solbakken.example' },
    ]);
    const housing = bed.subgraph.repositories.housing;
    await housing.insertTenure(
      tenant,
      { id: randomUUID(), memberId: leaving, unitId: unit.id, relation: 'tenant', moveIn: '2020-01-01', moveOut: osloDate(0) },
      () => [],
    );
    await housing.insertTenure(
      tenant,
      { id: randomUUID(), memberId: left, unitId: unit.id, relation: 'tenant', moveIn: '2020-01-01', moveOut: osloDate(-1) },
      () => [],
    );
    const board = (await bed.subgraph.repositories.committees.listCommittees(tenant)).find((c) => c.kind === 'board')!;
    await bed.subgraph.repositories.committees.insertTerm(tenant, {
      id: randomUUID(),
      committeeId: board.id,
      memberId: former,
      role: 'member',
      termFrom: '2020-01-01',
      termTo: osloDate(-1),
    });
    const everyone = await reached(tenant, { kind: 'audience', audience: { kind: 'association' } });
    expect(everyone).toContain(leaving);
    expect(everyone).not.toContain(left);
    expect(everyone).not.toContain(former);
    expect(await reached(tenant, { kind: 'board' })).toEqual([DEMO.kari]);
  });

  it("uses the membership's contact e-mail, not the login e-mail, and null when there is none", async () => {
    const tenant = DEMO.solbakken;
    const members = bed.subgraph.repositories.members;
    try {
      await members.updateMember(tenant, DEMO.aase, { email: 'aase.privat@example.com', phone: '+47 911 22 333' });
      await members.updateMember(tenant, DEMO.per, { email: null });
      const answer = await ask({ associationId: tenant, spec: { kind: 'members', memberIds: [DEMO.aase, DEMO.per] } });
      // in Norwegian name order: Å comes last
      expect(answer.recipients).toEqual([
        { memberId: DEMO.per, displayName: 'Per Ødegård', email: null, phone: null },
        { memberId: DEMO.aase, displayName: 'Åse Berg', email: 'aase.privat@example.com', phone: '+47 911 22 333' },
      ]);
    } finally {
      await members.updateMember(tenant, DEMO.aase, { email: 'aase@solbakken.example', phone: null });
      await members.updateMember(tenant, DEMO.per, { email: 'per@solbakken.example' });
    }
  });

  it('reaches nobody in a terminated association, from its termination date', async () => {
    const [ending, ended] = [randomUUID(), randomUUID()];
    for (const [id, terminatedOn] of [
      [ending, osloDate(1)],
      [ended, osloDate(0)],
    ] as const) {
      await bed.subgraph.repositories.members.insertAssociation({
        id,
        name: 'Nedlagt sameie',
        timeZone: 'Europe/Oslo',
        locale: 'en',
        status: 'terminated',
        terminatedOn,
      });
      await bed.subgraph.repositories.members.insertMembers(id, [
        { id: randomUUID(), displayName: 'Vaktmester', email: 'v@example.com', externalTitle: 'Vaktmester' },
      ]);
    }
    expect(await reached(ending, { kind: 'audience', audience: { kind: 'association' } })).toHaveLength(1);
    const answer = await ask({ associationId: ended, spec: { kind: 'audience', audience: { kind: 'association' } } });
    expect(answer).toEqual({ association: { id: ended, name: 'Nedlagt sameie', locale: 'en', timeZone: 'Europe/Oslo' }, recipients: [] });
  });

  it('still reaches the people of a blocked association, who cannot log in to read why', async () => {
    const blocked = randomUUID();
    await bed.subgraph.repositories.members.insertAssociation({
      id: blocked,
      name: 'Sperret sameie',
      timeZone: 'Europe/Oslo',
      locale: 'nb',
      status: 'blocked',
      blockedAt: new Date(),
      blockedGround: 'illegal_use',
      blockedReason: 'Ulovlig innhold',
    });
    await bed.subgraph.repositories.members.insertMembers(blocked, [
      { id: randomUUID(), displayName: 'Vaktmester', email: 'v@example.com', externalTitle: 'Vaktmester' },
    ]);
    expect(await reached(blocked, { kind: 'audience', audience: { kind: 'association' } })).toHaveLength(1);
  });

  it('refuses a malformed body, and any call that carries a viewer, with HTTP 400', async () => {
    expect(await refusal(null)).toBe(400);
    expect(await refusal({ spec: { kind: 'board' } })).toBe(400);
    expect(await refusal({ associationId: 'solbakken', spec: { kind: 'board' } })).toBe(400);
    expect(await refusal({ associationId: DEMO.solbakken, spec: { kind: 'everyone' } })).toBe(400);
    expect(await refusal({ associationId: DEMO.solbakken, spec: { kind: 'members', memberIds: ['not-a-uuid'] } })).toBe(400);
    expect(await refusal({ associationId: DEMO.solbakken, spec: { kind: 'audience', audience: { kind: 'building', id: null } } })).toBe(400);
    expect(await refusal({ associationId: DEMO.solbakken, spec: { kind: 'audience', audience: { kind: 'group', id: randomUUID() } } })).toBe(400);
    const board = viewerOf(DEMO.solbakken, DEMO.kari, 'board');
    const withViewer = ask({ associationId: DEMO.solbakken, spec: { kind: 'board' } }, { ...fromProcess, viewer: board });
    await expect(withViewer).rejects.toMatchObject({ status: 400 });
  });

  // The roles route shares this bed (one database per file): operations assigns requests by what a member is today.
  it("the roles route answers what the association's members are today, suspension included, and nothing of another association", async () => {
    const roles = (associationId: string, roleMemberIds: string[]) =>
      bed.subgraph.definition.internalRoutes![MEMBER_ROLES_ROUTE]!({ associationId, roleMemberIds }, fromProcess) as Promise<{ members: MemberRolesEntry[] }>;
    const answer = await roles(DEMO.solbakken, [DEMO.jonas, DEMO.kari, DEMO.ola, DEMO.former, DEMO.eva, randomUUID()]);
    const byId = new Map(answer.members.map((m) => [m.memberId, m]));
    expect(byId.get(DEMO.jonas)).toEqual({ memberId: DEMO.jonas, roles: ['external'], suspended: false });
    expect(byId.get(DEMO.kari)?.roles).toContain('board');
    expect(byId.get(DEMO.ola)?.roles).toEqual(['resident']);
    expect(byId.get(DEMO.former)?.roles).toEqual([]);
    expect([...byId.keys()].sort()).toEqual(ids(DEMO.jonas, DEMO.kari, DEMO.ola, DEMO.former));
    expect((await roles(DEMO.fjordly, [DEMO.jonas])).members).toEqual([]);
    try {
      await bed.subgraph.repositories.members.updateMember(DEMO.solbakken, DEMO.jonas, {
        suspendedAt: new Date(),
        suspensionReason: 'Test',
        suspendedUntil: null,
      });
      expect((await roles(DEMO.solbakken, [DEMO.jonas])).members).toEqual([{ memberId: DEMO.jonas, roles: ['external'], suspended: true }]);
    } finally {
      await bed.subgraph.repositories.members.updateMember(DEMO.solbakken, DEMO.jonas, { suspendedAt: null, suspensionReason: null, suspendedUntil: null });
    }
    await expect(roles(DEMO.solbakken, ['jonas'])).rejects.toMatchObject({ status: 400 });
    const withViewer = bed.subgraph.definition.internalRoutes![MEMBER_ROLES_ROUTE]!(
      { associationId: DEMO.solbakken, roleMemberIds: [DEMO.jonas] },
      { ...fromProcess, viewer: viewerOf(DEMO.solbakken, DEMO.kari, 'board') },
    );
    await expect(withViewer).rejects.toMatchObject({ status: 400 });
  });

  describe('an association of 2,000 residents', () => {
    const big = randomUUID();
    const residents = Array.from({ length: 2000 }, () => randomUUID());
    const chair = residents[0]!;

    beforeAll(async () => {
      const building = randomUUID();
      const unitIds = Array.from({ length: 1000 }, () => randomUUID());
      const board = randomUUID();
      await bed.db.tenant(big, async (tx) => {
        await tx.insert(associations).values({ id: big, name: 'Storgården borettslag', timeZone: 'Europe/Oslo', locale: 'nb' });
        await tx.insert(buildings).values({ associationId: big, id: building, name: 'Storgården' });
        await tx.insert(units).values(unitIds.map((id, i) => ({ associationId: big, id, buildingId: building, number: `H${i}` })));
        await tx.insert(members).values(residents.map((id, i) => ({ associationId: big, id, displayName: `Beboer ${i}`, email: `beboer${i}@example.com` })));
        await tx.insert(tenures).values(
          residents.map((memberId, i) => ({
            associationId: big,
            id: randomUUID(),
            memberId,
            unitId: unitIds[i % 1000]!,
            relation: 'owner' as const,
            moveIn: '2020-01-01',
          })),
        );
        await tx.insert(committees).values({ associationId: big, id: board, kind: 'board', name: 'Styret' });
        await tx
          .insert(committeeTerms)
          .values({ associationId: big, id: randomUUID(), committeeId: board, memberId: chair, role: 'leader', termFrom: '2020-01-01' });
      });
    });

    it('answers in one statement whatever the audience size', async () => {
      const cost = async (spec: unknown) => {
        const before = bed.db.queryCount;
        const answer = await ask({ associationId: big, spec });
        return { statements: bed.db.queryCount - before, reached: answer.recipients.length };
      };
      const one = await cost({ kind: 'board' });
      expect(one.reached).toBe(1);
      expect(await cost({ kind: 'audience', audience: { kind: 'association' } })).toEqual({ statements: one.statements, reached: 2000 });
      expect(await cost({ kind: 'members', memberIds: residents.slice(0, 1500) })).toEqual({ statements: one.statements, reached: 1500 });
    });
  });

  // The homes route shares this bed too: operations accepts a request about the reporter's own unit only for a current home.
  it("the homes route answers the units of a member's current tenures with their buildings, and nothing of another association", async () => {
    const homes = async (associationId: string, homesOfMemberId: string) =>
      ((await bed.subgraph.definition.internalRoutes![MEMBER_HOMES_ROUTE]!({ associationId, homesOfMemberId }, fromProcess)) as { homes: MemberHome[] }).homes;
    const [olaTenure] = await bed.subgraph.repositories.housing.tenuresOf(DEMO.solbakken, 'member', [DEMO.ola], true);
    const [olaUnit] = await bed.subgraph.repositories.housing.findUnits(DEMO.solbakken, [olaTenure!.unitId]);
    expect(await homes(DEMO.solbakken, DEMO.ola)).toEqual([{ unitId: olaTenure!.unitId, buildingId: olaUnit!.buildingId }]);
    expect(await homes(DEMO.solbakken, DEMO.former)).toEqual([]);
    expect(await homes(DEMO.solbakken, DEMO.jonas)).toEqual([]);
    expect(await homes(DEMO.fjordly, DEMO.ola)).toEqual([]);
    await expect(
      bed.subgraph.definition.internalRoutes![MEMBER_HOMES_ROUTE]!({ associationId: DEMO.solbakken, roleMemberIds: [DEMO.ola] }, fromProcess),
    ).rejects.toMatchObject({ status: 400 });
  });
});
