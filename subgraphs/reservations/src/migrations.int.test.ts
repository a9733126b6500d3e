import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { openReservationsTestBed, type ReservationsTestBed } from './reservations.fixtures';

let bed: ReservationsTestBed;
beforeAll(async () => {
  bed = await openReservationsTestBed();
});
afterAll(() => bed.close());

describe('reservations schema', () => {
  it('applies its migrations once', async () => {
    expect(await bed.subgraph.migrate()).toEqual([]);
  });

  it('refuses two live bookings of one resource that overlap, buffers included, but not cancelled ones', async () => {
    const association = randomUUID();
    const resource = randomUUID();
    const insert = (id: string, blocked: string, status = 'confirmed') =>
      bed.subgraph.db.tenant(association, (tx) =>
        tx.execute(sql`insert into reservations.bookings
          (association_id, id, resource_id, booker_member_id, during, blocked, status, idempotency_key)
          values (${association}, ${id}, ${resource}, ${randomUUID()}, ${blocked}::tstzrange, ${blocked}::tstzrange, ${status}, ${id})`),
      );
    await bed.subgraph.db.tenant(association, (tx) =>
      tx.execute(sql`insert into reservations.resources (association_id, id, name, booking_mode) values (${association}, ${resource}, 'Vaskeri', 'slots')`),
    );
    await insert(randomUUID(), '[2026-03-29T05:00Z,2026-03-29T08:00Z)');
    await expect(insert(randomUUID(), '[2026-03-29T07:59Z,2026-03-29T09:00Z)')).rejects.toThrow();
    await insert(randomUUID(), '[2026-03-29T07:59Z,2026-03-29T09:00Z)', 'cancelled');
    await insert(randomUUID(), '[2026-03-29T08:00Z,2026-03-29T09:00Z)');
  });
});
