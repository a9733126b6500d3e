import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import type { GraphQLError } from 'graphql';
import { DEMO } from '../demo-data';
import { accounts, associations, members } from '../tables';
import { openMembersTestBed, type MembersTestBed } from '../testing';
import { createMembersLoaders } from './members.loaders';

const viewerOf = (associationId: string, memberId: string, role: Viewer['role'] = 'resident'): Viewer => ({
  accountId: randomUUID(),
  associationId,
  memberId,
  role,
  platformAdmin: false,
});
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: GraphQLError) => ({ code: e.extensions.code, field: e.extensions.field }),
  );

describe('members and associations', () => {
  let bed: MembersTestBed;
  const kari = viewerOf(DEMO.solbakken, DEMO.kari, 'board');
  const eva = viewerOf(DEMO.fjordly, DEMO.eva, 'board');
  const loadersFor = (viewer: Viewer | null) => createMembersLoaders(bed.subgraph.repository, viewer);

  beforeAll(async () => {
    bed = await openMembersTestBed();
  });
  afterAll(() => bed.close());

  describe('tenancy', () => {
    it("loads nothing of another association's through entity references", async () => {
      const loaders = loadersFor(eva);
      expect(await loaders.memberById.loadMany([DEMO.kari, DEMO.ola, DEMO.eva])).toEqual([
        null,
        null,
        expect.objectContaining({ id: DEMO.eva }),
      ]);
      expect(await loaders.associationById.load(DEMO.solbakken)).toBeNull();
    });

    it('answers NOT_FOUND for another association, its members and its member list', async () => {
      const service = bed.subgraph.members;
      expect(await errorOf(service.association(eva, loadersFor(eva), DEMO.solbakken))).toEqual({ code: 'NOT_FOUND', field: undefined });
      expect(await errorOf(service.member(eva, loadersFor(eva), DEMO.kari))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await errorOf(service.listMembers(eva, DEMO.solbakken, 20, null))).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('lets a platform admin look at any association', async () => {
      const admin = { ...eva, platformAdmin: true };
      expect(await bed.subgraph.members.association(admin, loadersFor(admin), DEMO.solbakken)).toMatchObject({
        name: 'Solbakken borettslag',
      });
    });

    it('keeps credentials out of reach of tenant transactions', async () => {
      const visible = await bed.db.tenant(DEMO.solbakken, (tx) => tx.select().from(accounts));
      expect(visible).toEqual([]);
    });
  });

  describe('member list', () => {
    it('pages through members in name order with opaque cursors', async () => {
      const names: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 5; page++) {
        const result = await bed.subgraph.members.listMembers(kari, DEMO.solbakken, 2, after);
        names.push(...result.nodes.map((member) => member.displayName));
        if (!result.pageInfo.hasNextPage) break;
        after = result.pageInfo.endCursor;
      }
      expect(names).toEqual(['Jonas Lie (vaktmester)', 'Kari Nordmann', 'Ola Hansen', 'Per Ødegård', 'Åse Berg']);
    });

    it('rejects a forged cursor and an oversized page, naming the argument', async () => {
      const service = bed.subgraph.members;
      expect(await errorOf(service.listMembers(kari, DEMO.solbakken, 2, 'not-a-cursor'))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
      expect(await errorOf(service.listMembers(kari, DEMO.solbakken, 1000, null))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    });
  });

  describe('entity references', () => {
    const big = randomUUID();
    const ids = Array.from({ length: 100 }, () => randomUUID());

    beforeAll(async () => {
      const accountIds = ids.map(() => randomUUID());
      await bed.db.system((tx) =>
        tx.insert(accounts).values(
          accountIds.map((id, i) => ({ id, email: `bulk${i}-${big}@example.com`, passwordHash: 'unused', platformAdmin: false })),
        ),
      );
      await bed.db.tenant(big, async (tx) => {
        await tx.insert(associations).values({ id: big, name: 'Storgården', timeZone: 'Europe/Oslo', locale: 'nb' });
        await tx.insert(members).values(
          ids.map((id, i) => ({ associationId: big, id, accountId: accountIds[i]!, displayName: `Beboer ${i}`, role: 'resident' as const })),
        );
      });
    });

    it('costs the same number of queries for 1, 10 or 100 members', async () => {
      const viewer = viewerOf(big, ids[0]!);
      const cost = async (count: number) => {
        const loaders = loadersFor(viewer);
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
