import { sql } from 'drizzle-orm';
import { DEMO, DEMO_PASSWORD } from '../members.demo';
import { errorOf, openMembersTestBed, osloDate, viewerOf, type MembersTestBed } from '../members.fixtures';

describe('what the board does', () => {
  let bed: MembersTestBed;
  const kari = viewerOf(DEMO.solbakken, DEMO.kari, 'board');
  const ola = viewerOf(DEMO.solbakken, DEMO.ola, 'resident');
  const rolesOf = async (memberId: string) => (await bed.subgraph.repositories.members.findMembers(DEMO.solbakken, [memberId]))[0]!.roles;
  const outbox = () =>
    bed.db.system(
      async (tx) =>
        ((await tx.execute(sql`select topic, payload from members.outbox order by id`)) as { rows: { topic: string; payload: Record<string, string> }[] }).rows,
    );
  const login = (email: string) => bed.subgraph.auth.login({ email, password: DEMO_PASSWORD }, '10.9.0.1');

  beforeAll(async () => {
    bed = await openMembersTestBed();
  });
  afterAll(() => bed.close());

  it('records a move-out: resident rights end after the date and the other subgraphs are told', async () => {
    const [tenure] = await bed.subgraph.repositories.housing.tenuresOf(DEMO.solbakken, 'member', [DEMO.per], true);
    const moveOut = osloDate(-1);
    const updated = await bed.subgraph.housing.recordMoveOut(kari, { tenureId: tenure!.id, moveOut });
    expect(updated).toMatchObject({ moveOut, active: false });
    expect(await rolesOf(DEMO.per)).toEqual([]);
    expect(await outbox()).toContainEqual({
      topic: 'member.moved_out',
      payload: { memberId: DEMO.per, unitId: tenure!.unitId, tenureId: tenure!.id, moveOut, timeZone: 'Europe/Oslo' },
    });
  });

  it('keeps resident rights through the move-out day itself', async () => {
    const [tenure] = await bed.subgraph.repositories.housing.tenuresOf(DEMO.solbakken, 'member', [DEMO.ola], true);
    await bed.subgraph.housing.recordMoveOut(kari, { tenureId: tenure!.id, moveOut: osloDate(0) });
    expect(await rolesOf(DEMO.ola)).toEqual(['resident']);
  });

  it('refuses move-outs from residents and before the move-in, and writes nothing', async () => {
    const [tenure] = await bed.subgraph.repositories.housing.tenuresOf(DEMO.solbakken, 'member', [DEMO.ingrid], true);
    const before = (await outbox()).length;
    expect(await errorOf(bed.subgraph.housing.recordMoveOut(ola, { tenureId: tenure!.id, moveOut: osloDate() }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(bed.subgraph.housing.recordMoveOut(kari, { tenureId: tenure!.id, moveOut: '2001-01-01' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'moveOut',
    });
    expect(await errorOf(bed.subgraph.housing.recordMoveOut(kari, { tenureId: tenure!.id, moveOut: '31.12.2026' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'moveOut',
    });
    expect((await outbox()).length).toBe(before);
    expect(await rolesOf(DEMO.ingrid)).toEqual(['resident']);
  });

  it('ends board rights with the term, and the next session acts as a resident', async () => {
    const kariTerms = await bed.subgraph.repositories.committees.termsOf(DEMO.solbakken, 'member', [DEMO.kari], true);
    const board = kariTerms.find((t) => t.active)!;
    await bed.subgraph.committees.endTerm(kari, { termId: board.id, termTo: osloDate(-1) });
    expect(await rolesOf(DEMO.kari)).toEqual(['resident']);
    expect(await bed.subgraph.committees.announceEndedBoardTerms()).toBe(1);
    expect(await bed.subgraph.committees.announceEndedBoardTerms()).toBe(0);
    expect(await outbox()).toContainEqual({ topic: 'board.term_ended', payload: { termId: board.id, memberId: DEMO.kari, termTo: osloDate(-1) } });
    const session = await login('kari@solbakken.example');
    expect(JSON.parse(Buffer.from(session.accessToken.split('.')[1]!, 'base64url').toString())).toMatchObject({ role: 'resident' });
    // Give the board back for the remaining tests: a new term from today.
    await bed.subgraph.repositories.committees.insertTerm(DEMO.solbakken, {
      id: crypto.randomUUID(),
      committeeId: board.committeeId,
      memberId: DEMO.kari,
      role: 'leader',
      termFrom: osloDate(),
    });
    expect(await rolesOf(DEMO.kari)).toEqual(['board', 'resident']);
  });

  it('suspends a member: they cannot log in, are told why, and lose their sessions until reinstated', async () => {
    const session = await login('ingrid@solbakken.example');
    await bed.subgraph.members.suspend(kari, bed.loadersFor(kari), {
      memberId: DEMO.ingrid,
      reason: 'Gjentatte brudd på husordensreglene',
      until: '2099-01-01',
    });
    const refused = await login('ingrid@solbakken.example').catch((e: { extensions: Record<string, unknown>; message: string }) => e);
    expect(refused).toMatchObject({
      message: expect.stringContaining('Gjentatte brudd'),
      extensions: { code: 'FORBIDDEN', reason: 'MEMBERSHIP_SUSPENDED', suspensionReason: 'Gjentatte brudd på husordensreglene', until: '2099-01-01' },
    });
    expect(await errorOf(bed.subgraph.auth.refresh({ refreshToken: session.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await outbox()).toContainEqual({
      topic: 'member.suspended',
      payload: { memberId: DEMO.ingrid, reason: 'Gjentatte brudd på husordensreglene', until: '2099-01-01' },
    });
    await bed.subgraph.members.reinstate(kari, bed.loadersFor(kari), { memberId: DEMO.ingrid });
    await expect(login('ingrid@solbakken.example')).resolves.toBeDefined();
  });

  it('lets only the board suspend, and never oneself', async () => {
    expect(await errorOf(bed.subgraph.members.suspend(ola, bed.loadersFor(ola), { memberId: DEMO.ingrid, reason: 'x' }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(bed.subgraph.members.suspend(kari, bed.loadersFor(kari), { memberId: DEMO.kari, reason: 'x' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'memberId',
    });
  });

  it('changes a password and ends every other session, keeping the current one', async () => {
    const other = await login('jonas@solbakken.example');
    const current = await login('jonas@solbakken.example');
    const claims = JSON.parse(Buffer.from(current.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string; sub: string };
    const jonas = { ...viewerOf(DEMO.solbakken, DEMO.jonas, 'external'), accountId: claims.sub, sessionId: claims.sid };
    expect(await errorOf(bed.subgraph.auth.changePassword(jonas, { currentPassword: 'wrong', newPassword: 'a-new-long-password' }, '10.9.0.3'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'currentPassword',
    });
    expect(await errorOf(bed.subgraph.auth.changePassword(jonas, { currentPassword: DEMO_PASSWORD, newPassword: 'short' }, '10.9.0.3'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'newPassword',
    });
    expect(await bed.subgraph.auth.changePassword(jonas, { currentPassword: DEMO_PASSWORD, newPassword: 'a-new-long-password' }, '10.9.0.3')).toBe(1);
    expect(await errorOf(bed.subgraph.auth.refresh({ refreshToken: other.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(bed.subgraph.auth.refresh({ refreshToken: current.refreshToken })).resolves.toBeDefined();
    await expect(bed.subgraph.auth.login({ email: 'jonas@solbakken.example', password: 'a-new-long-password' }, '10.9.0.2')).resolves.toBeDefined();
  });

  it('updates the association, rejecting an organisation number with a wrong check digit', async () => {
    const members = bed.subgraph.members;
    expect(await errorOf(members.updateAssociation(kari, { associationId: DEMO.solbakken, orgNumber: '987654321' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'orgNumber',
    });
    expect(await errorOf(members.updateAssociation(ola, { associationId: DEMO.solbakken, city: 'Bergen' }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(members.updateAssociation(kari, { associationId: DEMO.fjordly, city: 'Oslo' }))).toMatchObject({ code: 'NOT_FOUND' });
    // Fjordly's number: organisation numbers are public, so saying it is taken reveals nothing.
    expect(await errorOf(members.updateAssociation(kari, { associationId: DEMO.solbakken, orgNumber: '920000010' }))).toMatchObject({ code: 'CONFLICT' });
    expect(await members.updateAssociation(kari, { associationId: DEMO.solbakken, orgNumber: '933333337', city: 'Oslo', contactEmail: null })).toMatchObject({
      orgNumber: '933333337',
      city: 'Oslo',
      contactEmail: null,
      name: 'Solbakken borettslag',
    });
  });

  it('changes the login e-mail only after the new address confirms, once', async () => {
    const session = await login('per@solbakken.example');
    const claims = JSON.parse(Buffer.from(session.accessToken.split('.')[1]!, 'base64url').toString()) as { sub: string };
    const per = { ...viewerOf(DEMO.solbakken, DEMO.per, 'resident'), accountId: claims.sub };
    expect(await errorOf(bed.subgraph.auth.requestEmailChange(per, { newEmail: 'per@ny.example', password: 'wrong' }, '10.9.0.3'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'password',
    });
    const pending = await bed.subgraph.auth.requestEmailChange(per, { newEmail: 'Per@Ny.example', password: DEMO_PASSWORD }, '10.9.0.3');
    expect(pending.pendingEmail).toBe('per@ny.example');
    await expect(login('per@solbakken.example')).resolves.toBeDefined();

    const event = (await outbox()).find((e) => e.topic === 'account.email_change_requested')!;
    expect(event.payload).toMatchObject({ oldEmail: 'per@solbakken.example', newEmail: 'per@ny.example' });
    expect(await bed.subgraph.auth.confirmEmailChange({ token: event.payload.token })).toBe('per@ny.example');
    expect(await errorOf(bed.subgraph.auth.confirmEmailChange({ token: event.payload.token }))).toEqual({ code: 'BAD_USER_INPUT', field: 'token' });
    expect(await errorOf(login('per@solbakken.example'))).toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(login('per@ny.example')).resolves.toBeDefined();
    const [member] = await bed.subgraph.repositories.members.findMembers(DEMO.solbakken, [DEMO.per]);
    expect(member!.email).toBe('per@ny.example');
  });

  it('validates profile changes field by field', async () => {
    const members = bed.subgraph.members;
    const loaders = bed.loadersFor(ola);
    expect(await errorOf(members.updateMyProfile(ola, loaders, { phone: 'call me' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'phone' });
    expect(await errorOf(members.updateMyProfile(ola, loaders, { portraitUrl: 'http://example.com/me.jpg' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'portraitUrl',
    });
    // No portrait host is listed for this deployment: an image elsewhere would tell its host who reads the directory.
    expect(await errorOf(members.updateMyProfile(ola, loaders, { portraitUrl: 'https://tracker.example/p.gif' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'portraitUrl',
    });
    const updated = await members.updateMyProfile(ola, bed.loadersFor(ola), {
      phone: '+47 912 34 567',
      occupation: 'Lærer',
      visibility: { occupation: 'ONLY_ME' },
    });
    expect(updated).toMatchObject({ phone: '+47 912 34 567', occupation: 'Lærer', visibility: { occupation: 'only_me' } });
  });
});
