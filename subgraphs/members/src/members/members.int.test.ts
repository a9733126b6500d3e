import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { FilesystemStorage, type PublicResponse, type PublicRouteError } from '@tunet/kit';
import { gpsLatitudeOf, phoneJpeg, png } from '@tunet/kit/src/files/files.fixtures';
import { eq } from 'drizzle-orm';
import { DEMO } from '../members.demo';
import { accounts, associations, members } from '../tables';
import { errorOf, openMembersTestBed, viewerOf, type MembersTestBed } from '../members.fixtures';
import type { PrivacyStatesLookup } from './privacy-states.loaders';
import { membersResolvers } from './members.resolvers';

describe('members and the directory', () => {
  let bed: MembersTestBed;
  const kari = viewerOf(DEMO.solbakken, DEMO.kari, 'board');
  const ola = viewerOf(DEMO.solbakken, DEMO.ola, 'resident');
  const eva = viewerOf(DEMO.fjordly, DEMO.eva, 'board');
  const names = async (viewer: typeof ola, filter = {}) => {
    const page = await bed.subgraph.members.directory(viewer, { filter, first: 100 });
    return page.nodes.map((m) => m.displayName);
  };

  beforeAll(async () => {
    bed = await openMembersTestBed();
  });
  afterAll(() => bed.close());

  describe('tenancy', () => {
    it("loads nothing of another association's through entity references", async () => {
      const loaders = bed.loadersFor(eva);
      expect(await loaders.memberById.loadMany([DEMO.kari, DEMO.ola, DEMO.eva, 'not-a-uuid'])).toEqual([
        null,
        null,
        expect.objectContaining({ id: DEMO.eva }),
        null,
      ]);
      expect(await loaders.associationById.load(DEMO.solbakken)).toBeNull();
    });

    it('answers NOT_FOUND for another association and its members', async () => {
      const service = bed.subgraph.members;
      expect(await errorOf(service.association(eva, bed.loadersFor(eva), DEMO.solbakken))).toEqual({ code: 'NOT_FOUND', field: undefined });
      expect(await errorOf(service.member(eva, bed.loadersFor(eva), DEMO.kari))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await names(eva)).toEqual(['Eva Fjeld']);
    });

    it('lets a platform admin look at any association', async () => {
      const admin = { ...eva, platformAdmin: true };
      expect(await bed.subgraph.members.association(admin, bed.loadersFor(admin), DEMO.solbakken)).toMatchObject({
        name: 'Solbakken borettslag',
      });
    });

    it('keeps credentials out of reach of tenant transactions', async () => {
      expect(await bed.db.tenant(DEMO.solbakken, (tx) => tx.select().from(accounts))).toEqual([]);
    });
  });

  describe('directory', () => {
    it('lists current members in Norwegian order, without former residents or hidden names', async () => {
      expect(await names(ola)).toEqual(['Ingrid Hansen', 'Jonas Lie', 'Kari Nordmann', 'Ola Hansen', 'Per Ødegård']);
    });

    it('shows the board people who hide their name, sorted with æ, ø, å after z', async () => {
      expect(await names(kari)).toEqual(['Ingrid Hansen', 'Jonas Lie', 'Kari Nordmann', 'Ola Hansen', 'Per Ødegård', 'Åse Berg']);
    });

    it('searches names case-insensitively but never matches a hidden name', async () => {
      expect(await names(ola, { search: 'HANSEN' })).toEqual(['Ingrid Hansen', 'Ola Hansen']);
      expect(await names(ola, { search: 'ødeg' })).toEqual(['Per Ødegård']);
      expect(await names(ola, { search: 'Åse' })).toEqual([]);
      expect(await names(kari, { search: 'åse' })).toEqual(['Åse Berg']);
      expect(await names(ola, { search: '%' })).toEqual([]);
    });

    it('filters by building, unit and committee', async () => {
      const [blokkA, blokkB] = await bed.subgraph.repositories.housing.listBuildings(DEMO.solbakken);
      expect(await names(ola, { buildingId: blokkB!.id })).toEqual(['Per Ødegård']);
      expect(await names(kari, { buildingId: blokkB!.id })).toEqual(['Per Ødegård', 'Åse Berg']);
      const [unit] = (await bed.subgraph.repositories.housing.unitsInBuildings(DEMO.solbakken, [blokkA!.id])).filter((u) => u.number === 'H0101');
      expect(await names(ola, { unitId: unit!.id })).toEqual(['Ingrid Hansen', 'Ola Hansen']);
      const [, party] = await bed.subgraph.repositories.committees.listCommittees(DEMO.solbakken);
      expect(await names(ola, { committeeId: party!.id })).toEqual(['Per Ødegård']);
      expect(await errorOf(bed.subgraph.members.directory(ola, { filter: { unitId: 'x' } }))).toEqual({ code: 'BAD_USER_INPUT', field: 'filter.unitId' });
    });

    it('searches buildings, units, street addresses, committees and titles, folded as Norwegians type (decision 0047)', async () => {
      expect(await names(ola, { search: 'Blokk B' })).toEqual(['Per Ødegård']);
      expect(await names(kari, { search: 'blokk  b' })).toEqual(['Per Ødegård', 'Åse Berg']);
      expect(await names(ola, { search: 'H0101' })).toEqual(['Ingrid Hansen', 'Ola Hansen']);
      expect(await names(kari, { search: 'Blokk B H0101' })).toEqual(['Åse Berg']);
      expect(await names(ola, { search: 'vaktmester' })).toEqual(['Jonas Lie']);
      expect(await names(ola, { search: 'Festkomiteen' })).toEqual(['Per Ødegård']);
      expect(await names(ola, { search: 'styret' })).toEqual(['Kari Nordmann']);
      // A home the person has left is not where they live: the former resident of Blokk A H0102 is not found.
      expect(await names(kari, { search: 'Blokk A H0102' })).toEqual([]);
      expect(await names(kari, { search: 'Aase' })).toEqual(['Åse Berg']);
      expect(await names(ola, { search: 'OEDEGAARD' })).toEqual(['Per Ødegård']);
      expect(await names(eva, { search: 'fjordveien 10' })).toEqual(['Eva Fjeld']);
      expect(await names(eva, { search: 'Blokk' })).toEqual([]);
    });

    it('folds æ, ø, å, case and accents on both sides of a search', async () => {
      const association = randomUUID();
      const people = ['Ærlig Sæther', 'Øystein Moe', 'Renée Dubois', 'Aasmund Ås'];
      await bed.db.tenant(association, async (tx) => {
        await tx.insert(associations).values({ id: association, name: 'Foldegården', timeZone: 'Europe/Oslo', locale: 'nb' });
        await tx.insert(members).values(people.map((displayName) => ({ associationId: association, id: randomUUID(), displayName, externalTitle: 'Snekker' })));
      });
      const viewer = viewerOf(association, randomUUID(), 'board');
      expect(await names(viewer, { search: 'Aerlig' })).toEqual(['Ærlig Sæther']);
      expect(await names(viewer, { search: 'saether' })).toEqual(['Ærlig Sæther']);
      expect(await names(viewer, { search: 'Oeystein' })).toEqual(['Øystein Moe']);
      expect(await names(viewer, { search: 'ØYSTEIN' })).toEqual(['Øystein Moe']);
      expect(await names(viewer, { search: 'renee' })).toEqual(['Renée Dubois']);
      expect(await names(viewer, { search: 'RENÉE' })).toEqual(['Renée Dubois']);
      expect(await names(viewer, { search: 'Åsmund' })).toEqual(['Aasmund Ås']);
      expect(await names(viewer, { search: 'aas' })).toEqual(['Aasmund Ås']);
    });

    it('folds Polish and Sámi letters and ü as ue, and a search typed in decomposed form (decision 0047 review fix 5)', async () => {
      const association = randomUUID();
      const people = ['Paweł Łęcki', 'Hans Müller', 'Biret Čuđiš', 'Zofia Śliwińska-Żuk', 'Áŋŋel Sara'];
      await bed.db.tenant(association, async (tx) => {
        await tx.insert(associations).values({ id: association, name: 'Foldegården 2', timeZone: 'Europe/Oslo', locale: 'nb' });
        await tx.insert(members).values(people.map((displayName) => ({ associationId: association, id: randomUUID(), displayName, externalTitle: 'Snekker' })));
      });
      const viewer = viewerOf(association, randomUUID(), 'board');
      expect(await names(viewer, { search: 'Pawel' })).toEqual(['Paweł Łęcki']);
      expect(await names(viewer, { search: 'LECKI' })).toEqual(['Paweł Łęcki']);
      expect(await names(viewer, { search: 'Mueller' })).toEqual(['Hans Müller']);
      expect(await names(viewer, { search: 'MÜLLER' })).toEqual(['Hans Müller']);
      expect(await names(viewer, { search: 'Mu\u0308ller' })).toEqual(['Hans Müller']);
      expect(await names(viewer, { search: 'cudis' })).toEqual(['Biret Čuđiš']);
      expect(await names(viewer, { search: 'sliwinska-zuk' })).toEqual(['Zofia Śliwińska-Żuk']);
      expect(await names(viewer, { search: 'annel' })).toEqual(['Áŋŋel Sara']);
    });

    it('never matches what the viewer may not see: hidden names, contact details, a restricted person', async () => {
      await bed.db.tenant(DEMO.solbakken, (tx) => tx.update(members).set({ phone: '+47 912 34 567' }).where(eq(members.id, DEMO.per)));
      expect(await names(ola, { search: 'Berg' })).toEqual([]);
      expect(await names(ola, { search: 'Blokk B H0101' })).toEqual([]);
      expect(await names(ola, { search: '912 34' })).toEqual([]);
      expect(await names(kari, { search: '912 34' })).toEqual([]);
      expect(await names(ola, { search: 'per@solbakken' })).toEqual([]);
      const restricting = async (associationId: string) => ({ associationId, restricted: { [DEMO.per]: '2026-12-01T10:00:00.000Z' }, consents: {} });
      const found = await bed.subgraph.members.directory(ola, { filter: { search: 'festkomiteen' }, first: 10 }, restricting);
      expect(found.nodes).toEqual([]);
      expect(await found.totalCount()).toBe(0);
      const tooLong = bed.subgraph.members.directory(ola, { filter: { search: 'x'.repeat(101) } });
      expect(await errorOf(tooLong)).toEqual({ code: 'BAD_USER_INPUT', field: 'filter.search' });
    });

    it('counts everyone the filters find over all pages, with the same visibility (totalCount)', async () => {
      const total = async (viewer: typeof ola, filter = {}) => (await bed.subgraph.members.directory(viewer, { filter, first: 1 })).totalCount();
      expect(await total(ola)).toBe((await names(ola)).length);
      expect(await total(kari)).toBe((await names(kari)).length);
      expect(await total(kari)).toBe((await names(ola)).length + 1);
      expect(await total(ola, { search: 'Blokk B' })).toBe(1);
      expect(await total(kari, { search: 'Blokk B' })).toBe(2);
      expect(await total(eva)).toBe(1);
    });

    it('pages with opaque cursors and rejects forged ones', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const page = await bed.subgraph.members.directory(ola, { first: 2, after });
        seen.push(...page.nodes.map((m) => m.displayName));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual(await names(ola));
      expect(await errorOf(bed.subgraph.members.directory(ola, { after: 'forged' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
      expect(await errorOf(bed.subgraph.members.directory(ola, { first: 1000 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    });

    it('leaves out people whose processing is restricted, except for the board and themself, and is unavailable while privacy cannot say (decision 0038)', async () => {
      const restricting = async (associationId: string) => ({ associationId, restricted: { [DEMO.per]: '2026-12-01T10:00:00.000Z' }, consents: {} });
      const listed = async (viewer: typeof ola, lookup: PrivacyStatesLookup = restricting) =>
        (await bed.subgraph.members.directory(viewer, { first: 100 }, lookup)).nodes.map((m) => m.displayName);
      expect(await listed(ola)).not.toContain('Per Ødegård');
      expect(await listed(ola)).toContain('Ola Hansen');
      expect(await listed(kari)).toContain('Per Ødegård');
      expect(await listed(viewerOf(DEMO.solbakken, DEMO.per, 'resident'))).toContain('Per Ødegård');
      await expect(bed.subgraph.members.directory(ola, {}, async () => null)).rejects.toMatchObject({
        extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'DIRECTORY_PRIVACY_UNCHECKED', serviceName: 'privacy' },
      });
      expect(await listed(kari, async () => null)).toContain('Per Ødegård');
    });

    it('withdraws a restricted person from residents in member(id) and behind a reference (name only), not from the board or themself (decision 0038)', async () => {
      const restricting = async (associationId: string) => ({ associationId, restricted: { [DEMO.per]: '2026-12-01T10:00:00.000Z' }, consents: {} });
      const per = viewerOf(DEMO.solbakken, DEMO.per, 'resident');
      const lookUp = (viewer: typeof ola, lookup: PrivacyStatesLookup = restricting) =>
        bed.subgraph.members.member(viewer, bed.loadersFor(viewer), DEMO.per, lookup);
      expect(await errorOf(lookUp(ola))).toMatchObject({ code: 'NOT_FOUND' });
      await expect(lookUp(ola, async () => null)).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'DIRECTORY_PRIVACY_UNCHECKED' } });
      expect(await lookUp(kari)).toMatchObject({ id: DEMO.per });
      expect(await lookUp(per)).toMatchObject({ id: DEMO.per });

      const row = (await bed.loadersFor(ola).memberById.load(DEMO.per))!;
      const field = (viewer: typeof ola, name: 'displayName' | 'tenures', lookup: PrivacyStatesLookup = restricting) => {
        const ctx = { viewer, loaders: bed.loadersFor(viewer), members: bed.subgraph.members, privacyStates: lookup, recordRead: async () => undefined };
        const resolve = membersResolvers.Member![name] as unknown as (parent: unknown, args: unknown, context: unknown) => Promise<unknown>;
        return resolve(row, {}, ctx);
      };
      expect(await field(ola, 'tenures', async (associationId) => ({ associationId, restricted: {}, consents: {} }))).not.toEqual([]);
      expect(await field(ola, 'displayName')).toBe('Per Ødegård');
      expect(await field(ola, 'tenures')).toEqual([]);
      expect(await field(kari, 'tenures')).not.toEqual([]);
    });

    it("refuses a visibility choice for fields the person's consent governs, pointing at the consent", async () => {
      for (const field of ['email', 'phone', 'portrait']) {
        const refused = bed.subgraph.members.updateMyProfile(ola, bed.loadersFor(ola), { visibility: { [field]: 'RESIDENTS' } });
        expect(await errorOf(refused)).toEqual({ code: 'BAD_USER_INPUT', field: `visibility.${field}` });
      }
    });

    it('hides the name of a member who sets nameHidden, the name Member.nameHidden reads it back by (decision 0051)', async () => {
      const per = viewerOf(DEMO.solbakken, DEMO.per, 'resident');
      try {
        const hidden = await bed.subgraph.members.updateMyProfile(ola, bed.loadersFor(ola), { nameHidden: true });
        expect(hidden.hideName).toBe(true);
        expect(await names(per)).not.toContain('Ola Hansen');
      } finally {
        await bed.subgraph.members.updateMyProfile(ola, bed.loadersFor(ola), { nameHidden: false });
      }
      expect(await names(per)).toContain('Ola Hansen');
    });

    it('is closed to former members', async () => {
      const former = viewerOf(DEMO.solbakken, DEMO.former, null);
      expect(await errorOf(bed.subgraph.members.directory(former, {}))).toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('portraits (decision 0047)', () => {
    const per = viewerOf(DEMO.solbakken, DEMO.per, 'resident');
    const portraits = () => bed.subgraph.portraits;
    const upload = (viewer: typeof ola, bytes: Buffer, fileName = 'IMG_0042.JPG') =>
      portraits().set(viewer, bed.loadersFor(viewer), { fileName, contentBase64: bytes.toString('base64') });
    /** The stored files under Solbakken, `<file>/<variant>` (deleting leaves the emptied directories behind). */
    const storedFiles = async () =>
      (await readdir(path.join(bed.storageDir, DEMO.solbakken), { recursive: true }))
        .filter((entry) => entry.includes(path.sep))
        .map((entry) => entry.split(path.sep).join('/'))
        .sort();
    const open = async (url: string) => {
      const { pathname, searchParams } = new URL(url);
      try {
        return await bed.subgraph.definition.publicRoutes!.portraits!({
          path: pathname.replace(/^\/portraits/, ''),
          query: Object.fromEntries(searchParams),
          context: { viewer: null, requestId: 'test', clientIp: '127.0.0.1' },
        });
      } catch (error) {
        return (error as PublicRouteError).status;
      }
    };

    it('stores an upload re-encoded without its GPS position, serves it by a signed link, and deletes a replaced one', async () => {
      // A typed portrait address first: the upload clears it.
      await bed.db.tenant(DEMO.solbakken, (tx) => tx.update(members).set({ portraitUrl: 'https://images.example/ola.jpg' }).where(eq(members.id, DEMO.ola)));
      const first = await upload(ola, await phoneJpeg(2400, 1800));
      expect(first).toMatchObject({ portraitContentType: 'image/jpeg', portraitUrl: null });
      const url = (await portraits().url('https://tunet.test', first, 'display'))!;
      expect(url).toMatch(new RegExp(`^https://tunet\\.test/portraits/${first.portraitFileId}/display\\?exp=\\d+&sig=`));
      const served = (await open(url)) as PublicResponse;
      expect(served.contentType).toBe('image/jpeg');
      expect(gpsLatitudeOf(served.body as Buffer)).toBeNull();
      expect(served.headers).toMatchObject({ etag: `"${first.portraitFileId}.display"` });
      expect(await open(url.replace(/sig=.{4}/, 'sig=AAAA'))).toBe(403);

      const second = await upload(ola, await png(64, 64), 'me.png');
      expect(second.portraitFileId).not.toBe(first.portraitFileId);
      expect(await open(url)).toBe(404);
      expect(await storedFiles()).toEqual([`${second.portraitFileId}/display`, `${second.portraitFileId}/thumbnail`]);
      const removed = await portraits().remove(ola, bed.loadersFor(ola));
      expect(removed.portraitFileId).toBeNull();
      expect(await storedFiles()).toEqual([]);
    });

    it('keeps the new portrait when deleting the replaced one fails, and deletes the old bytes on the retry', async () => {
      const first = await upload(per, await png(32, 32), 'one.png');
      const failOnce = jest.spyOn(FilesystemStorage.prototype, 'delete').mockRejectedValueOnce(new Error('storage unavailable'));
      try {
        const second = await upload(per, await png(48, 48), 'two.png');
        expect(second.portraitFileId).not.toBe(first.portraitFileId);
        const files = await storedFiles();
        expect(files).toEqual(expect.arrayContaining([`${second.portraitFileId}/display`, `${second.portraitFileId}/thumbnail`]));
        expect(files.filter((f) => f.startsWith(first.portraitFileId!))).toHaveLength(1); // one of the old sizes is left, queued
      } finally {
        failOnce.mockRestore();
      }
      // The portrait-deletions job's pass.
      expect(await portraits().removeQueued(null)).toBe(1);
      expect((await storedFiles()).filter((f) => f.startsWith(first.portraitFileId!))).toEqual([]);
      await portraits().remove(per, bed.loadersFor(per));
      expect(await storedFiles()).toEqual([]);
    });

    it('refuses an 11th upload within the hour with RATE_LIMITED', async () => {
      const picture = await png(8, 8);
      for (let i = 0; i < 10; i++) await upload(kari, picture, 'me.png');
      const refused = await upload(kari, picture, 'me.png').then(
        () => null,
        (error: { extensions?: Record<string, unknown> }) => error.extensions,
      );
      expect(refused).toMatchObject({ code: 'RATE_LIMITED' });
      await portraits().remove(kari, bed.loadersFor(kari));
      expect(await storedFiles()).toEqual([]);
    });

    it('refuses what is not a picture by its bytes, an API key and a caller who is not logged in', async () => {
      const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
      expect(await errorOf(upload(per, pdf, 'me.jpg'))).toEqual({ code: 'BAD_USER_INPUT', field: 'contentBase64' });
      expect(await errorOf(upload(per, Buffer.from('GIF89a'), 'me.gif'))).toEqual({ code: 'BAD_USER_INPUT', field: 'contentBase64' });
      expect(await errorOf(portraits().set(per, bed.loadersFor(per), { fileName: 'x.jpg', contentBase64: '!!' }))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'contentBase64',
      });
      const integration = { ...viewerOf(DEMO.solbakken, null, null), integration: { apiKeyId: randomUUID(), scopes: ['members:read'] } } as typeof ola;
      expect(await errorOf(upload(integration, await png(8, 8)))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await errorOf(upload(null as unknown as typeof ola, await png(8, 8)))).toMatchObject({ code: 'UNAUTHENTICATED' });
    });
  });

  it('derives roles from tenures, board terms and external titles', async () => {
    const rows = await bed.subgraph.repositories.members.findMembers(DEMO.solbakken, [DEMO.kari, DEMO.ola, DEMO.jonas, DEMO.former]);
    const roles = Object.fromEntries(rows.map((row) => [row.id, [...row.roles].sort()]));
    expect(roles).toEqual({
      [DEMO.kari]: ['board', 'resident'],
      [DEMO.ola]: ['resident'],
      [DEMO.jonas]: ['external'],
      [DEMO.former]: [],
    });
  });

  describe('entity references', () => {
    const big = randomUUID();
    const ids = Array.from({ length: 100 }, () => randomUUID());

    beforeAll(async () => {
      const accountIds = ids.map(() => randomUUID());
      await bed.db.system((tx) =>
        tx.insert(accounts).values(accountIds.map((id, i) => ({ id, email: `bulk${i}-${big}@example.com`, passwordHash: 'unused', platformAdmin: false }))),
      );
      await bed.db.tenant(big, async (tx) => {
        await tx.insert(associations).values({ id: big, name: 'Storgården', timeZone: 'Europe/Oslo', locale: 'nb' });
        await tx.insert(members).values(ids.map((id, i) => ({ associationId: big, id, accountId: accountIds[i]!, displayName: `Beboer ${i}` })));
      });
    });

    it('costs the same number of queries for 1, 10 or 100 members', async () => {
      const viewer = viewerOf(big, ids[0]!, 'resident');
      const cost = async (count: number) => {
        const loaders = bed.loadersFor(viewer);
        const before = bed.db.queryCount;
        const loaded = await Promise.all(ids.slice(0, count).map((id) => loaders.memberById.load(id)));
        expect(loaded.every((member) => member?.associationId === big)).toBe(true);
        return bed.db.queryCount - before;
      };
      const one = await cost(1);
      expect(one).toBeGreaterThan(0);
      expect(await cost(10)).toBe(one);
      expect(await cost(100)).toBe(one);
    });
  });
});
