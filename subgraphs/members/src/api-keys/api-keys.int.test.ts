import { hashApiKey, InternalRouteError, type ApiScope, type VerifiedApiKey, type Viewer } from '@tunet/kit';
import { DEMO } from '../members.demo';
import { apiKeys } from '../tables';
import { errorOf, openMembersTestBed, viewerOf, type MembersTestBed } from '../members.fixtures';

describe('API keys', () => {
  let bed: MembersTestBed;
  const kari = viewerOf(DEMO.solbakken, DEMO.kari, 'board');
  const ola = viewerOf(DEMO.solbakken, DEMO.ola, 'resident');
  const eva = viewerOf(DEMO.fjordly, DEMO.eva, 'board');
  const create = (viewer: Viewer | null, scopes: string[] = ['MEMBERS_READ'], name = 'OBOS forretningsfører') =>
    bed.subgraph.apiKeys.create(viewer, { name, scopes });
  const storedRow = async (id: string) => (await bed.db.system((tx) => tx.select().from(apiKeys))).find((row) => row.id === id)!;
  const verifyRoute = (body: unknown) => bed.subgraph.definition.internalRoutes!['api-keys/verify']!(body, { viewer: null, requestId: 'test', clientIp: '' });
  const integrator = (scopes: ApiScope[], associationId: string = DEMO.solbakken): Viewer => ({
    accountId: '33333333-3333-4333-8333-333333333333',
    associationId,
    memberId: null,
    role: null,
    platformAdmin: false,
    sessionId: null,
    integration: { apiKeyId: '33333333-3333-4333-8333-333333333333', scopes },
  });
  /** A request's context as the subgraph server builds it, loaders included. */
  const contextFor = (viewer: Viewer) => bed.subgraph.definition.createContext({ viewer, requestId: 'test', clientIp: '' });

  beforeAll(async () => {
    bed = await openMembersTestBed();
  });
  afterAll(() => bed.close());

  it('shows the secret once and stores only its hash', async () => {
    const { apiKey, secret } = await create(kari);
    expect(secret).toMatch(/^tunet_[0-9a-f]{8}_/);
    expect(secret.startsWith(apiKey.prefix)).toBe(true);
    const stored = await storedRow(apiKey.id);
    expect(stored).toMatchObject({ associationId: DEMO.solbakken, keyHash: hashApiKey(secret), scopes: ['members:read'], createdByMemberId: DEMO.kari });
    expect(stored.lastUsedAt).toBeNull();
    const secretPart = secret.slice(apiKey.prefix.length + 1);
    expect(JSON.stringify(stored)).not.toContain(secretPart);
    expect(JSON.stringify(await bed.subgraph.apiKeys.list(kari, DEMO.solbakken))).not.toContain(secretPart);
  });

  it('validates the name and scopes, and keeps each scope once', async () => {
    expect(await errorOf(create(kari, ['MEMBERS_READ'], ' '))).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(await errorOf(create(kari, ['MEMBERS_READ'], 'x'.repeat(101)))).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(await errorOf(create(kari, []))).toEqual({ code: 'BAD_USER_INPUT', field: 'scopes' });
    expect(await errorOf(create(kari, ['MEMBERS_WRITE']))).toEqual({ code: 'BAD_USER_INPUT', field: 'scopes.0' });
    const { apiKey } = await create(kari, ['MEMBERS_IMPORT', 'MEMBERS_READ', 'MEMBERS_IMPORT']);
    expect(apiKey.scopes).toEqual(['members:import', 'members:read']);
  });

  it('lets only the board create keys and the board (and operators in a support session) list them, never a resident or an integration', async () => {
    expect(await errorOf(create(ola))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(create(integrator(['members:read', 'members:import'])))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(create(null))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await errorOf(bed.subgraph.apiKeys.list(ola, DEMO.solbakken))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(bed.subgraph.apiKeys.list(integrator(['members:read']), DEMO.solbakken))).toMatchObject({ code: 'FORBIDDEN' });
    // A platform admin acts as their membership's role; an operator only through a support session (decision 0030).
    const admin = { ...viewerOf(DEMO.fjordly, DEMO.eva, 'resident'), platformAdmin: true };
    expect(await errorOf(create(admin))).toMatchObject({ code: 'FORBIDDEN' });
    const inSupport = {
      ...viewerOf(DEMO.fjordly, null, null),
      accountId: DEMO.operator,
      platformAdmin: true,
      support: { expiresAt: '2030-01-01T00:00:00.000Z' },
    };
    // A key made in a support session would outlive it, and its requests are never in the board's support log.
    expect(await errorOf(create(inSupport))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await bed.subgraph.apiKeys.list(inSupport, DEMO.fjordly)).toEqual(expect.any(Array));
  });

  it('verifies a key for the gateway, recording its use at most once a minute', async () => {
    const { apiKey, secret } = await create(kari);
    const first = new Date('2030-01-01T10:00:00Z');
    const expected: VerifiedApiKey = { apiKeyId: apiKey.id, associationId: DEMO.solbakken, scopes: ['members:read'] };
    expect(await bed.subgraph.apiKeys.verify(secret, first)).toEqual(expected);
    expect((await storedRow(apiKey.id)).lastUsedAt).toEqual(first);
    await bed.subgraph.apiKeys.verify(secret, new Date(first.getTime() + 30_000));
    expect((await storedRow(apiKey.id)).lastUsedAt).toEqual(first);
    const later = new Date(first.getTime() + 61_000);
    await bed.subgraph.apiKeys.verify(secret, later);
    expect((await storedRow(apiKey.id)).lastUsedAt).toEqual(later);
  });

  it('answers the internal route with the key, 404 for unknown keys and 400 for anything but { key }', async () => {
    const { apiKey, secret } = await create(kari);
    expect(await verifyRoute({ key: secret })).toMatchObject({ apiKeyId: apiKey.id, associationId: DEMO.solbakken });
    for (const [body, status] of [
      [{ key: `${apiKey.prefix}_${'A'.repeat(43)}` }, 404],
      [{ key: 'eyJhbGciOiJFUzI1NiJ9.e30.sig' }, 404],
      [{ secret }, 400],
      [null, 400],
    ] as const) {
      await expect(verifyRoute(body)).rejects.toEqual(expect.objectContaining({ status }));
    }
    await expect(verifyRoute(null)).rejects.toBeInstanceOf(InternalRouteError);
  });

  it('revokes a key once: it stops verifying, and revoking again changes nothing', async () => {
    const { apiKey, secret } = await create(kari);
    const revoked = await bed.subgraph.apiKeys.revoke(kari, { apiKeyId: apiKey.id });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await bed.subgraph.apiKeys.verify(secret)).toBeNull();
    expect((await bed.subgraph.apiKeys.revoke(kari, { apiKeyId: apiKey.id })).revokedAt).toEqual(revoked.revokedAt);
    expect(await errorOf(bed.subgraph.apiKeys.revoke(kari, { apiKeyId: crypto.randomUUID() }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it("never lets another association see or revoke a key, in the service or the database's row-level security", async () => {
    const { apiKey, secret } = await create(kari);
    expect(await errorOf(bed.subgraph.apiKeys.revoke(eva, { apiKeyId: apiKey.id }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await errorOf(bed.subgraph.apiKeys.list(eva, DEMO.solbakken))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await bed.subgraph.apiKeys.list(eva, DEMO.fjordly)).map((k) => k.id)).not.toContain(apiKey.id);
    expect((await bed.db.tenant(DEMO.fjordly, (tx) => tx.select().from(apiKeys))).map((k) => k.associationId)).not.toContain(DEMO.solbakken);
    expect(await bed.subgraph.apiKeys.verify(secret)).toMatchObject({ associationId: DEMO.solbakken });
  });

  describe('what an integration reads in members', () => {
    const unitOfOla = async () => (await bed.subgraph.repositories.housing.tenuresOf(DEMO.solbakken, 'member', [DEMO.ola], true))[0]!.unitId;

    it('with members:read: its own association, the directory, members and units', async () => {
      const viewer = integrator(['members:read']);
      const ctx = contextFor(viewer);
      const page = await ctx.members.directory(viewer, { first: 100 });
      expect(page.nodes.map((m) => m.id)).toContain(DEMO.ola);
      expect(await ctx.members.member(viewer, ctx.loaders, DEMO.ola)).toMatchObject({ email: 'ola@solbakken.example' });
      expect(await ctx.housing.unit(viewer, ctx.loaders, await unitOfOla())).toMatchObject({ associationId: DEMO.solbakken });
      expect(await ctx.members.association(viewer, ctx.loaders, DEMO.solbakken)).toMatchObject({ id: DEMO.solbakken });
      expect(await errorOf(ctx.members.association(viewer, ctx.loaders, DEMO.fjordly))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await errorOf(ctx.members.member(viewer, ctx.loaders, DEMO.eva))).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('without members:read: nothing at all', async () => {
      const viewer = integrator(['members:import']);
      const ctx = contextFor(viewer);
      expect(await errorOf(ctx.members.directory(viewer, { first: 100 }))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await errorOf(ctx.members.member(viewer, ctx.loaders, DEMO.ola))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await errorOf(ctx.housing.unit(viewer, ctx.loaders, await unitOfOla()))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await errorOf(ctx.members.association(viewer, ctx.loaders, DEMO.solbakken))).toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});
