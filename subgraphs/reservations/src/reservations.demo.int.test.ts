import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { DEMO_RESOURCES, loadDemoReservations, type DemoBookers } from './reservations.demo';
import { openReservationsTestBed, type ReservationsTestBed } from './reservations.fixtures';

let bed: ReservationsTestBed;

beforeAll(async () => {
  bed = await openReservationsTestBed();
});

afterAll(() => bed.close());

const resident = () => ({ memberId: randomUUID(), unitId: randomUUID() });

describe('demo reservations', () => {
  const demo: DemoBookers = { association: randomUUID(), residents: [resident(), resident(), resident()] };

  it('loads the resources and a few bookings made under their rules, once', async () => {
    expect(await loadDemoReservations(bed.subgraph, demo)).toBe(true);
    const names = (await bed.subgraph.resourcesRepository.findResources(demo.association, Object.values(DEMO_RESOURCES))).map((r) => r.name);
    expect(names.sort()).toEqual(['Gjesteleiligheten', 'Selskapslokalet', 'Skrivebord 1', 'Vaskeriet']);

    const result = await bed.subgraph.db.tenant(demo.association, (tx) =>
      tx.execute(sql`select resource_id, status, price from reservations.bookings where association_id = ${demo.association}`),
    );
    const rows = (result as { rows: { resource_id: string; status: string; price: number }[] }).rows;
    const byResource = Object.fromEntries(rows.map((row) => [row.resource_id, row]));
    expect(byResource[DEMO_RESOURCES.laundry]).toMatchObject({ status: 'confirmed' });
    expect(byResource[DEMO_RESOURCES.desk]).toMatchObject({ status: 'confirmed' });
    // Board approval first; two nights at 350 or 450 kr each.
    expect(byResource[DEMO_RESOURCES.partyRoom]).toMatchObject({ status: 'pending' });
    expect(byResource[DEMO_RESOURCES.guestFlat]!.price).toBeGreaterThanOrEqual(70_000);
    expect(byResource[DEMO_RESOURCES.guestFlat]!.price).toBeLessThanOrEqual(90_000);

    expect(await loadDemoReservations(bed.subgraph, demo)).toBe(false);
  });
});
