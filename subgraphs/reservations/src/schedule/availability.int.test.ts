import { randomUUID } from 'node:crypto';
import type { MemberViewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { openReservationsTestBed, viewerIn, type ReservationsTestBed } from '../reservations.fixtures';

let bed: ReservationsTestBed;
beforeAll(async () => {
  bed = await openReservationsTestBed();
});
afterAll(() => bed.close());

const associationId = randomUUID();
const board = viewerIn(associationId, 'board');
const resident = viewerIn(associationId, 'resident');

async function laundry(input: Record<string, unknown> = {}): Promise<string> {
  const resource = await bed.contextFor(board).resources.createResource(board, {
    name: 'Vaskeri',
    bookingMode: 'SLOTS',
    slots: [
      { start: '07:00', end: '10:00' },
      { start: '10:00', end: '13:00' },
    ],
    ...input,
  });
  return resource.id;
}

async function book(resourceId: string, start: string, end: string, status = 'confirmed', blockedEnd = end): Promise<void> {
  const id = randomUUID();
  await bed.subgraph.db.tenant(associationId, (tx) =>
    tx.execute(sql`insert into reservations.bookings
      (association_id, id, resource_id, booker_member_id, during, blocked, status, idempotency_key)
      values (${associationId}, ${id}, ${resourceId}, ${resident.memberId}, ${`[${start},${end})`}::tstzrange,
              ${`[${start},${blockedEnd})`}::tstzrange, ${status}, ${id})`),
  );
}

const free = async (viewer: MemberViewer, resourceId: string, from: string, to: string) => {
  const availability = await bed.contextFor(viewer).schedule.availability(viewer, { resourceId, from, to });
  return availability.free.map((t) => [t.start.toISOString(), t.end.toISOString()]);
};

describe('availability', () => {
  // The 2026 changes are covered in availability.test.ts with a fixed clock; here, through the database, the
  // next year's: 28 March and 31 October 2027.
  it('keeps 07–10 local on both sides of the March and October changes', async () => {
    const id = await laundry({ slots: [{ start: '07:00', end: '10:00' }] });
    expect(await free(resident, id, '2027-03-27', '2027-03-28')).toEqual([
      ['2027-03-27T06:00:00.000Z', '2027-03-27T09:00:00.000Z'],
      ['2027-03-28T05:00:00.000Z', '2027-03-28T08:00:00.000Z'],
    ]);
    expect(await free(resident, id, '2027-10-30', '2027-10-31')).toEqual([
      ['2027-10-30T05:00:00.000Z', '2027-10-30T08:00:00.000Z'],
      ['2027-10-31T06:00:00.000Z', '2027-10-31T09:00:00.000Z'],
    ]);
  });

  // 1 June: 07–10 booked, its buffer reaches into 10–13. 2 June: only a cancelled booking. 3 June: 10–13 pending,
  // and a 07–10 booking's own buffer would reach into it. 4 June: closed until 11:00.
  it('leaves out live bookings and their buffers but not cancelled ones, and closed periods', async () => {
    const id = await laundry({ bufferMinutes: 30 });
    await book(id, '2027-06-01T05:00Z', '2027-06-01T08:00Z', 'confirmed', '2027-06-01T08:30Z');
    await book(id, '2027-06-02T05:00Z', '2027-06-02T08:00Z', 'cancelled', '2027-06-02T08:30Z');
    await book(id, '2027-06-03T08:00Z', '2027-06-03T11:00Z', 'pending', '2027-06-03T11:30Z');
    await bed.contextFor(board).resources.addClosedPeriod(board, bed.contextFor(board).resourceLoaders, {
      resourceId: id,
      start: new Date('2027-06-04T00:00Z'),
      end: new Date('2027-06-04T09:00Z'),
      reason: 'Service',
    });
    expect(await free(resident, id, '2027-06-01', '2027-06-04')).toEqual([
      ['2027-06-02T05:00:00.000Z', '2027-06-02T08:00:00.000Z'],
      ['2027-06-02T08:00:00.000Z', '2027-06-02T11:00:00.000Z'],
    ]);
  });

  it('offers the nights of a guest flat around a stay', async () => {
    const flat = await bed.contextFor(board).resources.createResource(board, {
      name: 'Gjesteleilighet',
      bookingMode: 'DAYS',
      checkInTime: '15:00',
      checkOutTime: '12:00',
    });
    await book(flat.id, '2027-07-02T13:00Z', '2027-07-04T10:00Z');
    expect(await free(resident, flat.id, '2027-07-01', '2027-07-04')).toEqual([
      ['2027-07-01T13:00:00.000Z', '2027-07-02T10:00:00.000Z'],
      ['2027-07-04T13:00:00.000Z', '2027-07-05T10:00:00.000Z'],
    ]);
  });

  it("shows the viewer's household's slot as MINE, linked only for its booker, and as TAKEN to a neighbour", async () => {
    const id = await laundry();
    const unitIds = [randomUUID()];
    const [mother, father] = [viewerIn(associationId, 'resident', { unitIds }), viewerIn(associationId, 'resident', { unitIds })];
    const booked = await bed.contextFor(mother).bookings.createBooking(mother, bed.contextFor(mother).bookingLoaders, {
      resourceId: id,
      start: new Date('2027-06-07T05:00Z'),
      end: new Date('2027-06-07T08:00Z'),
      idempotencyKey: randomUUID(),
    });
    const first = async (viewer: MemberViewer) => {
      const { grid } = await bed.contextFor(viewer).schedule.availability(viewer, { resourceId: id, from: '2027-06-07', to: '2027-06-07' });
      return grid().map((s) => ({ state: s.state, bookingId: s.bookingId }));
    };
    expect(await first(mother)).toEqual([
      { state: 'MINE', bookingId: booked.id },
      { state: 'FREE', bookingId: null },
    ]);
    expect((await first(father))[0]).toEqual({ state: 'MINE', bookingId: null });
    expect((await first(viewerIn(associationId)))[0]).toEqual({ state: 'TAKEN', bookingId: null });
  });

  it('shows nothing free of an archived resource', async () => {
    const id = await laundry();
    await bed.contextFor(board).resources.archiveResource(board, bed.contextFor(board).resourceLoaders, { resourceId: id });
    expect(await free(resident, id, '2027-06-01', '2027-06-02')).toEqual([]);
  });

  it('refuses more than 62 days, a backwards span, other associations and outsiders', async () => {
    const id = await laundry();
    const availability = (viewer: MemberViewer | null, input: Record<string, unknown>) =>
      bed.contextFor(viewer).schedule.availability(viewer, { resourceId: id, ...input });
    await expect(availability(resident, { from: '2027-01-01', to: '2027-03-04' })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'to' },
    });
    await expect(availability(resident, { from: '2027-01-02', to: '2027-01-01' })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'to' },
    });
    expect((await availability(resident, { from: '2027-01-01', to: '2027-03-03' })).free).toHaveLength(62 * 2);
    const stranger = viewerIn(randomUUID(), 'resident');
    await expect(availability(stranger, { from: '2027-01-01', to: '2027-01-02' })).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
    await expect(availability(null, { from: '2027-01-01', to: '2027-01-02' })).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });
});
