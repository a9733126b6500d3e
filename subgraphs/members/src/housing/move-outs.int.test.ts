import { sql } from 'drizzle-orm';
import { DEMO } from '../members.demo';
import { openMembersTestBed, viewerOf, type MembersTestBed } from '../members.fixtures';

/**
 * Every path that ends a tenure, or moves its end, tells the other subgraphs once through `member.moved_out` with
 * the day and the association's own time zone: reservations cancels the bookings after that day and posts and
 * reservations end the member's calendar feeds with it (docs/decisions/0002 on the rule).
 */
describe('member.moved_out', () => {
  let bed: MembersTestBed;
  const kari = viewerOf(DEMO.solbakken, DEMO.kari, 'board');
  const ZONE = 'Pacific/Auckland';

  const movedOutOf = async (tenureId: string) =>
    bed.db.system(async (tx) => {
      const result = (await tx.execute(
        sql`select payload from members.outbox where topic = 'member.moved_out' and payload->>'tenureId' = ${tenureId} order by id`,
      )) as { rows: { payload: Record<string, string> }[] };
      return result.rows.map((row) => row.payload);
    });
  const tenureOf = async (memberId: string) => (await bed.subgraph.repositories.housing.tenuresOf(DEMO.solbakken, 'member', [memberId], true))[0]!;
  const announced = (tenure: { id: string; unitId: string; memberId: string }, moveOut: string) => ({
    memberId: tenure.memberId,
    unitId: tenure.unitId,
    tenureId: tenure.id,
    moveOut,
    timeZone: ZONE,
  });

  beforeAll(async () => {
    bed = await openMembersTestBed();
    // Not Oslo, so a payload with the product default instead of the association's own zone shows.
    await bed.db.system((tx) => tx.execute(sql`update members.associations set time_zone = ${ZONE} where id = ${DEMO.solbakken}`));
  });
  afterAll(() => bed.close());

  it('announces a move-out date set by updateTenure, once, and nothing for a change that leaves it', async () => {
    const tenure = await tenureOf(DEMO.ola);
    await bed.subgraph.housing.updateTenure(kari, { tenureId: tenure.id, moveOut: '2031-06-30' });
    await bed.subgraph.housing.updateTenure(kari, { tenureId: tenure.id, moveOut: '2031-06-30', contractNumber: 'K-17' });
    await bed.subgraph.housing.updateTenure(kari, { tenureId: tenure.id, relation: 'CO_OWNER' });
    expect(await movedOutOf(tenure.id)).toEqual([announced(tenure, '2031-06-30')]);
  });

  it('announces each change of a set date, earlier or later, and nothing when the date is cleared', async () => {
    const tenure = await tenureOf(DEMO.ingrid);
    await bed.subgraph.housing.recordMoveOut(kari, { tenureId: tenure.id, moveOut: '2031-09-30' });
    await bed.subgraph.housing.updateTenure(kari, { tenureId: tenure.id, moveOut: '2031-08-31' });
    await bed.subgraph.housing.updateTenure(kari, { tenureId: tenure.id, moveOut: '2031-12-31' });
    await bed.subgraph.housing.updateTenure(kari, { tenureId: tenure.id, moveOut: null });
    expect(await movedOutOf(tenure.id)).toEqual([announced(tenure, '2031-09-30'), announced(tenure, '2031-08-31'), announced(tenure, '2031-12-31')]);
  });

  it('announces a tenure ended in the past', async () => {
    const tenure = await tenureOf(DEMO.aase);
    await bed.subgraph.housing.updateTenure(kari, { tenureId: tenure.id, moveOut: '2024-01-31' });
    expect(await movedOutOf(tenure.id)).toEqual([announced(tenure, '2024-01-31')]);
  });

  it('announces a tenure added with its move-out date, and none added without one', async () => {
    const unitId = (await tenureOf(DEMO.kari)).unitId;
    const loaders = bed.loadersFor(kari);
    const ending = await bed.subgraph.housing.addTenure(kari, loaders, {
      memberId: DEMO.jonas,
      unitId,
      relation: 'TENANT',
      moveIn: '2030-01-01',
      moveOut: '2030-12-31',
    });
    const open = await bed.subgraph.housing.addTenure(kari, loaders, { memberId: DEMO.jonas, unitId, relation: 'TENANT', moveIn: '2032-01-01' });
    expect(await movedOutOf(ending.id)).toEqual([announced(ending, '2030-12-31')]);
    expect(await movedOutOf(open.id)).toEqual([]);
  });

  it('announces nothing for a tenure that ends while another of the member runs on: no one leaves', async () => {
    const current = await tenureOf(DEMO.kari);
    expect(current.moveOut).toBeNull();
    const otherUnit = (await tenureOf(DEMO.ola)).unitId;
    const loaders = bed.loadersFor(kari);
    const earlier = { memberId: DEMO.kari, unitId: otherUnit, relation: 'TENANT', moveIn: '2019-01-01', moveOut: '2021-06-30' } as const;
    const history = await bed.subgraph.housing.addTenure(kari, loaders, earlier);
    await bed.subgraph.housing.updateTenure(kari, { tenureId: history.id, moveOut: '2021-07-31' });
    expect(await movedOutOf(history.id)).toEqual([]);
  });

  it('announces a move-out recorded twice at once only once', async () => {
    const tenure = await tenureOf(DEMO.per);
    const record = () => bed.subgraph.housing.recordMoveOut(kari, { tenureId: tenure.id, moveOut: '2031-03-31' });
    await Promise.all([record(), record(), record()]);
    expect(await movedOutOf(tenure.id)).toEqual([announced(tenure, '2031-03-31')]);
  });
});
