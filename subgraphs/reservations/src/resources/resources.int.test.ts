import { randomUUID } from 'node:crypto';
import type { MemberViewer } from '@tunet/kit';
import { openReservationsTestBed, viewerIn, type ReservationsTestBed } from '../reservations.fixtures';
import type { ResourceRow } from './resources.repository';

let bed: ReservationsTestBed;
beforeAll(async () => {
  bed = await openReservationsTestBed();
});
afterAll(() => bed.close());

const service = (viewer: MemberViewer | null) => bed.contextFor(viewer).resources;
const loaders = (viewer: MemberViewer | null) => bed.contextFor(viewer).resourceLoaders;

const laundryInput = {
  name: 'Vaskeri',
  bookingMode: 'SLOTS',
  slots: [
    { start: '07:00', end: '10:00' },
    { start: '10:00', end: '13:00' },
  ],
};

async function create(board: MemberViewer, input: Record<string, unknown> = {}): Promise<ResourceRow> {
  return service(board).createResource(board, { ...laundryInput, ...input });
}

async function rejection(promise: Promise<unknown>): Promise<{ code: unknown; field: unknown; message: string }> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: { extensions: { code: unknown; field?: unknown }; message: string }) => e,
  );
  return { code: error.extensions.code, field: error.extensions.field, message: error.message };
}

describe('resources', () => {
  const associationId = randomUUID();
  const board = viewerIn(associationId, 'board');
  const resident = viewerIn(associationId, 'resident');
  const outsider = viewerIn(randomUUID(), 'board');

  it('the board creates a resource with defaults, which members (externals too) read', async () => {
    const laundry = await create(board, { description: '  Kjeller  ' });
    expect(laundry).toMatchObject({
      associationId,
      name: 'Vaskeri',
      description: 'Kjeller',
      timeZone: 'Europe/Oslo',
      bookingMode: 'slots',
      whoMayBook: ['resident', 'board'],
      priceUnit: 'free',
      archivedAt: null,
    });
    const external = viewerIn(associationId, 'external');
    expect(await service(external).resource(external, loaders(external), laundry.id)).toMatchObject({ id: laundry.id });
  });

  it('refuses residents to administer, and hides resources from other associations', async () => {
    const laundry = await create(board);
    expect((await rejection(create(resident))).code).toBe('FORBIDDEN');
    expect((await rejection(service(outsider).resource(outsider, loaders(outsider), laundry.id))).code).toBe('NOT_FOUND');
    expect((await rejection(service(outsider).archiveResource(outsider, loaders(outsider), { resourceId: laundry.id }))).code).toBe('NOT_FOUND');
    expect((await rejection(service(outsider).setOpeningHours(outsider, loaders(outsider), { resourceId: laundry.id, hours: [] }))).code).toBe('NOT_FOUND');
    const theirs = await service(outsider).listResources(outsider, {});
    expect(theirs.nodes.map((r) => r.id)).not.toContain(laundry.id);
  });

  it.each([
    [{ timeZone: 'Europe/Olso' }, 'timeZone'],
    [{ slots: [{ start: '7:00', end: '10:00' }] }, 'slots.0.start'],
    [
      {
        slots: [
          { start: '07:00', end: '10:00' },
          { start: '09:00', end: '12:00' },
        ],
      },
      'slots.1',
    ],
    [{ slots: [{ start: '10:00', end: '07:00' }] }, 'slots.0.end'],
    [{ slots: [] }, 'slots'],
    [{ bookingMode: 'RANGE', minDurationMinutes: 120, maxDurationMinutes: 60 }, 'maxDurationMinutes'],
    [{ bookingMode: 'DAYS', checkInTime: '15:00' }, 'checkOutTime'],
    [{ lateCancellationFeePercent: 150 }, 'lateCancellationFeePercent'],
    [{ weekdayPrice: -1 }, 'weekdayPrice'],
    [{ requiresRulesAcceptance: true }, 'rulesText'],
    [{ locationId: randomUUID() }, 'locationId'],
  ])('refuses %j with BAD_USER_INPUT on %s', async (input, field) => {
    expect(await rejection(create(board, input))).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('updates only the given fields, checking the result as a whole', async () => {
    const room = await create(board, { bookingMode: 'RANGE', slots: [], minDurationMinutes: 60, maxDurationMinutes: 240 });
    const updated = await service(board).updateResource(board, loaders(board), {
      resourceId: room.id,
      weekendPrice: 50000,
      priceUnit: 'PER_BOOKING',
      capacity: null,
    });
    expect(updated).toMatchObject({ name: 'Vaskeri', minDurationMinutes: 60, weekendPrice: 50000, priceUnit: 'per_booking', capacity: null });
    expect(await rejection(service(board).updateResource(board, loaders(board), { resourceId: room.id, minDurationMinutes: 300 }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'maxDurationMinutes',
    });
  });

  it('replaces opening hours and quotas, and adds and removes closed periods', async () => {
    const laundry = await create(board);
    const hours = [
      { weekday: 1, opens: '07:00', closes: '13:00' },
      { weekday: 7, opens: '10:00', closes: '24:00' },
    ];
    await service(board).setOpeningHours(board, loaders(board), { resourceId: laundry.id, hours });
    await service(board).setOpeningHours(board, loaders(board), { resourceId: laundry.id, hours: hours.slice(1) });
    expect(await loaders(board).openingHoursByResource.load(laundry.id)).toMatchObject([{ weekday: 7, opens: '10:00:00', closes: '24:00:00' }]);

    const quotas = [
      { per: 'UNIT', period: 'FUTURE', maxBookings: 1 },
      { per: 'UNIT', period: 'ROLLING', periodDays: 30, maxBookings: 4 },
    ];
    await service(board).setQuotas(board, loaders(board), { resourceId: laundry.id, quotas });
    await service(board).setQuotas(board, loaders(board), { resourceId: laundry.id, quotas: quotas.slice(1) });
    expect(await loaders(board).quotasByResource.load(laundry.id)).toMatchObject([{ per: 'unit', period: 'rolling', periodDays: 30, maxBookings: 4 }]);

    const start = new Date('2026-12-24T00:00:00Z');
    const end = new Date('2026-12-27T00:00:00Z');
    const period = await service(board).addClosedPeriod(board, loaders(board), { resourceId: laundry.id, start, end, reason: 'Jul' });
    expect(await loaders(board).closedPeriodsByResource.load(laundry.id)).toMatchObject([{ during: { start, end }, reason: 'Jul' }]);
    expect((await rejection(service(outsider).removeClosedPeriod(outsider, loaders(outsider), { closedPeriodId: period.id }))).code).toBe('NOT_FOUND');
    await service(board).removeClosedPeriod(board, loaders(board), { closedPeriodId: period.id });
    expect(await loaders(board).closedPeriodsByResource.load(laundry.id)).toEqual([]);
  });

  it.each([
    [{ hours: [{ weekday: 8, opens: '07:00', closes: '10:00' }] }, 'hours.0.weekday'],
    [{ hours: [{ weekday: 1, opens: '10:00', closes: '07:00' }] }, 'hours.0.closes'],
    [
      {
        hours: [
          { weekday: 1, opens: '07:00', closes: '12:00' },
          { weekday: 1, opens: '11:00', closes: '14:00' },
        ],
      },
      'hours.1',
    ],
  ])('refuses opening hours %j on %s', async (input, field) => {
    const laundry = await create(board);
    expect(await rejection(service(board).setOpeningHours(board, loaders(board), { resourceId: laundry.id, ...input }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field,
    });
  });

  it('refuses a rolling quota without its days, and a closed period that ends before it starts', async () => {
    const laundry = await create(board);
    const quotas = [{ per: 'PERSON', period: 'ROLLING', maxBookings: 2 }];
    expect(await rejection(service(board).setQuotas(board, loaders(board), { resourceId: laundry.id, quotas }))).toMatchObject({
      field: 'quotas.0.periodDays',
    });
    const backwards = { resourceId: laundry.id, start: new Date('2026-02-02'), end: new Date('2026-02-01'), reason: 'x' };
    expect(await rejection(service(board).addClosedPeriod(board, loaders(board), backwards))).toMatchObject({ field: 'end' });
  });

  it('lists by name in pages, by location, leaving archived ones out unless asked', async () => {
    const association = randomUUID();
    const boardOf = viewerIn(association, 'board');
    const office = await service(boardOf).createLocation(boardOf, { name: 'Nærkontoret Tøyen', address: 'Tøyengata 1' });
    await create(boardOf, { name: 'Badstue' });
    const desk = await create(boardOf, { name: 'Arbeidsplass 1', locationId: office.id });
    const flat = await create(boardOf, { name: 'Gjesteleilighet', bookingMode: 'DAYS', slots: [], checkInTime: '15:00', checkOutTime: '12:00' });
    await service(boardOf).archiveResource(boardOf, loaders(boardOf), { resourceId: flat.id });

    const first = await service(boardOf).listResources(boardOf, { first: 1 });
    expect(first.nodes.map((r) => r.name)).toEqual(['Arbeidsplass 1']);
    const second = await service(boardOf).listResources(boardOf, { first: 5, after: first.pageInfo.endCursor });
    expect(second.nodes.map((r) => r.name)).toEqual(['Badstue']);
    const all = await service(boardOf).listResources(boardOf, { includeArchived: true });
    expect(all.nodes.map((r) => r.name)).toEqual(['Arbeidsplass 1', 'Badstue', 'Gjesteleilighet']);
    const atOffice = await service(boardOf).listResources(boardOf, { locationId: office.id });
    expect(atOffice.nodes.map((r) => r.id)).toEqual([desk.id]);
    expect(await loaders(boardOf).locationById.load(office.id)).toMatchObject({ name: 'Nærkontoret Tøyen' });
    expect(await loaders(outsider).locationById.load(office.id)).toBeNull();
  });
});
