import { AccessTokenSigner, AccessTokenVerifier, closeFastStore, RevocationReader, RevocationWriter, type FastStore, type Viewer } from '@tunet/kit';
import { openTestRedis } from '@tunet/kit/src/kit.fixtures';
import { DEMO, DEMO_OPERATOR_EMAIL, DEMO_PASSWORD } from '../members.demo';
import { errorOf, openMembersTestBed, viewerOf, type MembersTestBed } from '../members.fixtures';
import { SupportRepository } from './support.repository';
import { SupportService, type SupportRecord } from './support.service';

const OPERATOR: Viewer = { accountId: DEMO.operator, associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };
const REASON = 'The board asked for help with a failed import';

/** Support sessions on an injected clock (decision 0030): open, logged, closed, expired. */
describe('support sessions', () => {
  let bed: MembersTestBed;
  let store: FastStore;
  let service: SupportService;
  let verifier: AccessTokenVerifier;
  let revocations: RevocationReader;
  // Whole seconds, as tokens count; the token is checked on the real clock, so this one starts at it.
  let now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const open = (associationId: string = DEMO.solbakken, minutes = 30) => service.open(OPERATOR, { associationId, reason: REASON, minutes });
  const entry = (session: { id: string; associationId: string }, overrides: Partial<SupportRecord> = {}): SupportRecord => ({
    associationId: session.associationId,
    supportSessionId: session.id,
    accountId: DEMO.operator,
    operationType: 'query',
    operationName: 'Directory',
    fields: ['directory'],
    ...overrides,
  });

  beforeAll(async () => {
    bed = await openMembersTestBed();
    store = await openTestRedis();
    service = new SupportService(
      new SupportRepository(bed.db),
      await AccessTokenSigner.fromPem(bed.secrets.jwtPrivateKey),
      new RevocationWriter(store, 3600),
      () => now,
    );
    verifier = await AccessTokenVerifier.fromPem(bed.secrets.jwtPublicKey);
    revocations = await RevocationReader.open(store);
  });
  afterAll(async () => {
    await revocations.close();
    await closeFastStore(store);
    await bed.close();
  });

  it('gives the operator a token for the association that ends with the session', async () => {
    const opened = await open(DEMO.solbakken, 30);
    const expiresAt = new Date(now.getTime() + 30 * 60_000);
    expect(await verifier.verify(opened.accessToken)).toEqual({
      accountId: DEMO.operator,
      associationId: DEMO.solbakken,
      memberId: null,
      role: null,
      platformAdmin: true,
      sessionId: opened.supportSession.id,
      support: { expiresAt: expiresAt.toISOString() },
    });
    expect(opened.accessTokenExpiresAt).toEqual(expiresAt);
    expect(opened.supportSession).toMatchObject({ operatorEmail: 'operator@tunet.example', reason: REASON, closedAt: null, expiresAt });
  });

  it('logs operations while open and refuses them once closed, with the token ended at once', async () => {
    const { supportSession } = await open();
    expect(await service.record(entry(supportSession))).toBe(true);
    const closed = await service.close(OPERATOR, { id: supportSession.id });
    expect(closed.closedAt).toEqual(now);
    expect(await service.record(entry(supportSession))).toBe(false);
    const standing = await revocations.standing({ sessionId: supportSession.id, associationId: DEMO.solbakken, memberId: null, issuedAt: now });
    expect(standing.sessionEnded).toBe(true);
  });

  it('refuses operations after the session expires', async () => {
    const { supportSession } = await open(DEMO.solbakken, 5);
    now = new Date(now.getTime() + 4 * 60_000);
    expect(await service.record(entry(supportSession))).toBe(true);
    now = new Date(now.getTime() + 60_000);
    expect(await service.record(entry(supportSession))).toBe(false);
  });

  it('refuses operations once the login that opened the session has ended: logout, or a replayed refresh token', async () => {
    const { auth } = bed.subgraph;
    const login = async () => {
      const session = await auth.login({ email: DEMO_OPERATOR_EMAIL, password: DEMO_PASSWORD }, '192.0.2.30');
      return { session, operator: await verifier.verify(session.accessToken) };
    };
    const loggedOut = await login();
    const first = await service.open(loggedOut.operator, { associationId: DEMO.solbakken, reason: REASON });
    expect(await service.record(entry(first.supportSession))).toBe(true);
    await auth.logout({ refreshToken: loggedOut.session.refreshToken });
    expect(await service.record(entry(first.supportSession))).toBe(false);

    // Whoever refreshed a stolen token first loses the session when the other copy is replayed, support session too.
    const stolen = await login();
    const thief = await auth.refresh({ refreshToken: stolen.session.refreshToken });
    const second = await service.open(await verifier.verify(thief.accessToken), { associationId: DEMO.solbakken, reason: REASON });
    expect(await service.record(entry(second.supportSession))).toBe(true);
    expect(await errorOf(auth.refresh({ refreshToken: stolen.session.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await service.record(entry(second.supportSession))).toBe(false);
  });

  it("refuses a record naming another association or another operator's account", async () => {
    const { supportSession } = await open(DEMO.solbakken);
    expect(await service.record(entry(supportSession, { associationId: DEMO.fjordly }))).toBe(false);
    expect(await service.record(entry(supportSession, { accountId: DEMO.kari }))).toBe(false);
  });

  it("shows the board who entered, when, why and what they ran, newest first, and only that association's", async () => {
    const board = viewerOf(DEMO.fjordly, DEMO.eva, 'board');
    const { supportSession } = await open(DEMO.fjordly);
    await service.record(entry(supportSession, { operationType: 'mutation', operationName: null, fields: ['updateAssociation'] }));
    const page = await service.sessions(board, DEMO.fjordly, 10, null);
    expect(page.nodes).toHaveLength(1);
    expect(page.nodes[0]).toMatchObject({ id: supportSession.id, operatorEmail: 'operator@tunet.example', reason: REASON });
    const entries = await service.entries(board, page.nodes[0]!, 10, null);
    expect(entries.nodes).toEqual([expect.objectContaining({ operationType: 'mutation', operationName: null, fields: ['updateAssociation'], at: now })]);
    expect(await errorOf(service.sessions(viewerOf(DEMO.solbakken, DEMO.kari, 'board'), DEMO.fjordly, 10, null))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(service.sessions(viewerOf(DEMO.fjordly, DEMO.eva, 'resident'), DEMO.fjordly, 10, null))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(service.sessions(OPERATOR, DEMO.fjordly, 10, null))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('checks who opens and closes, the reason, the length and the association', async () => {
    const inSupport = { ...OPERATOR, associationId: DEMO.solbakken, support: { expiresAt: now.toISOString() } };
    expect(await errorOf(service.open(inSupport, { associationId: DEMO.fjordly, reason: REASON }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(service.open(viewerOf(DEMO.solbakken, DEMO.kari, 'board'), { associationId: DEMO.fjordly, reason: REASON }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await errorOf(service.open(OPERATOR, { associationId: DEMO.fjordly, reason: 'too short' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(await errorOf(service.open(OPERATOR, { associationId: DEMO.fjordly, reason: REASON, minutes: 241 }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'minutes',
    });
    expect(await errorOf(service.open(OPERATOR, { associationId: DEMO.fjordly, reason: REASON, minutes: 4 }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'minutes',
    });
    expect(await errorOf(service.open(OPERATOR, { associationId: 'a0000000-0000-4000-8000-000000000999', reason: REASON }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const { supportSession } = await open();
    const otherOperator = { ...OPERATOR, accountId: DEMO.kari };
    expect(await errorOf(service.close(otherOperator, { id: supportSession.id }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await errorOf(service.close(viewerOf(DEMO.solbakken, DEMO.kari, 'board'), { id: supportSession.id }))).toMatchObject({ code: 'FORBIDDEN' });
  });
});
