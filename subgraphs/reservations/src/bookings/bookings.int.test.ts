import { randomUUID } from 'node:crypto';
import type { MemberViewer } from '@tunet/kit';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { sql } from 'drizzle-orm';
import { graphql } from 'graphql';
import { quotas, resources } from '../tables';
import { openReservationsTestBed, viewerIn, type ReservationsTestBed } from '../reservations.fixtures';

let bed: ReservationsTestBed;
beforeAll(async () => {
  bed = await openReservationsTestBed();
});
afterAll(() => bed.close());

const HOUR = 3_600_000;
/** Whole hours from the next whole hour on, so a test's bookings never start in the past. */
const inHours = (hours: number) => new Date((Math.floor(Date.now() / HOUR) + 1 + hours) * HOUR);

type ResourceInput = Partial<typeof resources.$inferInsert>;
type QuotaInput = Pick<typeof quotas.$inferInsert, 'per' | 'period' | 'maxBookings'> & { periodDays?: number };

/** A range-mode resource that is always open, with the given rules and quotas. */
async function resourceIn(associationId: string, rules: ResourceInput = {}, quotaRules: QuotaInput[] = []): Promise<string> {
  const id = randomUUID();
  await bed.subgraph.db.tenant(associationId, async (tx) => {
    await tx.insert(resources).values({ name: 'Selskapslokalet', bookingMode: 'range', ...rules, associationId, id });
    for (const quota of quotaRules) await tx.insert(quotas).values({ ...quota, associationId, id: randomUUID(), resourceId: id });
  });
  return id;
}

const service = (viewer: MemberViewer) => {
  const ctx = bed.contextFor(viewer);
  return {
    book: (input: Record<string, unknown>) => ctx.bookings.createBooking(viewer, ctx.bookingLoaders, { idempotencyKey: randomUUID(), ...input }),
    cancel: (input: Record<string, unknown>) => ctx.bookings.cancelBooking(viewer, ctx.bookingLoaders, input),
    decide: (input: Record<string, unknown>) => ctx.bookings.decideBooking(viewer, ctx.bookingLoaders, input),
    booking: (id: string) => ctx.bookings.booking(viewer, ctx.bookingLoaders, id),
    ctx,
  };
};

const slot = (resourceId: string, fromHour: number, hours = 2) => ({ resourceId, start: inHours(fromHour), end: inHours(fromHour + hours) });

type Outboxed = { topic: string; payload: Record<string, unknown> };
async function eventsOf(bookingId: string): Promise<Outboxed[]> {
  const result = await bed.subgraph.db.system((tx) =>
    tx.execute(sql`select topic, payload from reservations.outbox where payload->>'bookingId' = ${bookingId} order by id`),
  );
  return (result as { rows: Outboxed[] }).rows;
}

async function chargesOf(bookingId: string): Promise<{ amount: number; reason: string }[]> {
  const result = await bed.subgraph.db.system((tx) =>
    tx.execute(sql`select amount, reason from reservations.charges where booking_id = ${bookingId} order by created_at, reason`),
  );
  return (result as { rows: { amount: number; reason: string }[] }).rows;
}

async function bookingRows(resourceId: string): Promise<{ status: string }[]> {
  const result = await bed.subgraph.db.system((tx) => tx.execute(sql`select status from reservations.bookings where resource_id = ${resourceId}`));
  return (result as { rows: { status: string }[] }).rows;
}

/** A booking written straight into the table at a time relative to now (`-3 days`), which no booker could make. */
async function bookingAt(associationId: string, resourceId: string, memberId: string, from: string, to: string, status = 'confirmed'): Promise<string> {
  const id = randomUUID();
  await bed.subgraph.db.tenant(associationId, (tx) =>
    tx.execute(sql`insert into reservations.bookings
      (association_id, id, resource_id, booker_member_id, during, blocked, status, idempotency_key)
      values (${associationId}, ${id}, ${resourceId}, ${memberId}, tstzrange(now() + ${from}::interval, now() + ${to}::interval),
              tstzrange(now() + ${from}::interval, now() + ${to}::interval), ${status}, ${id})`),
  );
  return id;
}

describe('booking', () => {
  const associationId = randomUUID();

  it('confirms a booking, holds the buffer after it, charges it and tells the booker', async () => {
    const resourceId = await resourceIn(associationId, {
      bufferMinutes: 60,
      priceUnit: 'per_booking',
      weekdayPrice: 50_000,
      weekendPrice: 50_000,
      deposit: 100_000,
    });
    const resident = viewerIn(associationId);
    const booking = await service(resident).book({ ...slot(resourceId, 30), comment: ' Bursdag ' });
    expect(booking).toMatchObject({
      status: 'confirmed',
      bookerMemberId: resident.memberId,
      unitId: resident.scope!.unitIds[0],
      comment: 'Bursdag',
      price: 50_000,
      deposit: 100_000,
    });
    expect(booking.blocked.end.getTime() - booking.during.end.getTime()).toBe(HOUR);
    expect(await chargesOf(booking.id)).toEqual([{ amount: 50_000, reason: 'booking' }]);
    expect(await eventsOf(booking.id)).toEqual([{ topic: 'reservation.confirmed', payload: expect.objectContaining({ recipients: [resident.memberId] }) }]);
    // The hour after it is cleaning time: the next booking may start only when it is over.
    const neighbour = service(viewerIn(associationId));
    await expect(neighbour.book(slot(resourceId, 32))).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: expect.stringMatching(/already booked/),
    });
    await expect(neighbour.book(slot(resourceId, 33))).resolves.toMatchObject({ status: 'confirmed' });
  });

  it('refuses what the rules forbid with the rule and its limit', async () => {
    const resourceId = await resourceIn(associationId, {
      name: 'Gjesteleiligheten',
      minNoticeMinutes: 48 * 60,
      bookingHorizonDays: 30,
      requiresRulesAcceptance: true,
      whoMayBook: ['resident', 'board'],
    });
    const resident = service(viewerIn(associationId));
    await expect(resident.book(slot(resourceId, 24))).rejects.toMatchObject({
      extensions: {
        code: 'BAD_USER_INPUT',
        field: 'start',
        reason: 'TOO_SHORT_NOTICE',
        minNoticeMinutes: 2880,
        earliest: expect.stringMatching(/[+-]0[12]:00$/),
      },
      message: expect.stringMatching(/^Gjesteleiligheten must be booked at least 2880 minutes before it starts/),
    });
    await expect(resident.book(slot(resourceId, 32 * 24))).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'start', reason: 'TOO_FAR_AHEAD', horizonDays: 30 },
      message: 'Gjesteleiligheten can be booked at most 30 days ahead.',
    });
    await expect(resident.book(slot(resourceId, 72))).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'acceptRules', reason: 'RULES_NOT_ACCEPTED' },
    });
    await expect(service(viewerIn(associationId, 'external')).book({ ...slot(resourceId, 72), acceptRules: true })).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN', reason: 'BOOKING_NOT_ALLOWED', allowed: 'RESIDENT,BOARD' },
      message: 'Only residents and the board may book Gjesteleiligheten.',
    });
    // The same reason as bookingQuote's, not a generic INVALID_VALUE.
    await expect(resident.book({ resourceId, start: inHours(74), end: inHours(72), acceptRules: true })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'end', reason: 'END_BEFORE_START', start: 'start' },
      message: 'The end must not be before the start.',
    });
    await expect(resident.book({ ...slot(resourceId, 72), acceptRules: true })).resolves.toMatchObject({
      status: 'confirmed',
      rulesAcceptedAt: expect.any(Date),
    });
  });

  it('holds a resource without a horizon of its own to two years ahead, its start and its end', async () => {
    const resourceId = await resourceIn(associationId, { name: 'Badstua' });
    const resident = service(viewerIn(associationId));
    await expect(resident.book({ resourceId, start: new Date('2999-06-01T16:00:00Z'), end: new Date('2999-06-01T18:00:00Z') })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'start', reason: 'TOO_FAR_AHEAD', horizonDays: null },
      message: expect.stringMatching(/^Bookings open at most 2 years ahead/),
    });
    await expect(resident.book({ resourceId, start: inHours(72), end: new Date('2999-06-01T18:00:00Z') })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'end', reason: 'TOO_FAR_AHEAD' },
    });
  });

  it('counts a household quota across family members, and a person quota per person', async () => {
    const resourceId = await resourceIn(associationId, { name: 'Gjesteleiligheten' }, [
      { per: 'unit', period: 'future', maxBookings: 1 },
      { per: 'person', period: 'future', maxBookings: 1 },
    ]);
    const unitIds = [randomUUID()];
    const [mother, father] = [viewerIn(associationId, 'resident', { unitIds }), viewerIn(associationId, 'resident', { unitIds })];
    await service(mother).book(slot(resourceId, 100));
    await expect(service(father).book(slot(resourceId, 200))).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', reason: 'QUOTA_EXCEEDED', per: 'UNIT', limit: 1 },
    });
    await expect(service(viewerIn(associationId)).book(slot(resourceId, 200))).resolves.toMatchObject({ status: 'confirmed' });

    // Booking for their second household does not lift the person's own quota.
    const twoHomes = viewerIn(associationId, 'resident', { unitIds: [randomUUID(), randomUUID()] });
    await service(twoHomes).book(slot(resourceId, 300));
    await expect(service(twoHomes).book({ ...slot(resourceId, 400), unitId: twoHomes.scope!.unitIds[1] })).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', reason: 'QUOTA_EXCEEDED', per: 'PERSON', limit: 1 },
    });
  });

  it('holds a rolling quota for every period, so booking the later date first does not get round it', async () => {
    const resourceId = await resourceIn(associationId, { name: 'Badstua', bookingHorizonDays: 365 }, [
      { per: 'unit', period: 'rolling', periodDays: 30, maxBookings: 1 },
    ]);
    const resident = service(viewerIn(associationId));
    const DAY = 24;
    await resident.book(slot(resourceId, 40 * DAY));
    await expect(resident.book(slot(resourceId, 20 * DAY))).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    await expect(resident.book(slot(resourceId, 60 * DAY))).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    await expect(resident.book(slot(resourceId, 75 * DAY))).resolves.toMatchObject({ status: 'confirmed' });
  });

  it('frees a quota when a booking is cancelled', async () => {
    const resourceId = await resourceIn(associationId, {}, [{ per: 'unit', period: 'future', maxBookings: 1 }]);
    const resident = service(viewerIn(associationId));
    const first = await resident.book(slot(resourceId, 10));
    await resident.cancel({ bookingId: first.id });
    await expect(resident.book(slot(resourceId, 20))).resolves.toMatchObject({ status: 'confirmed' });
  });

  it('answers a retried request with the same booking, once charged and announced, even when retries race', async () => {
    const resourceId = await resourceIn(associationId, { priceUnit: 'per_booking', weekdayPrice: 20_000, weekendPrice: 20_000 });
    const resident = viewerIn(associationId);
    const request = { ...slot(resourceId, 40), idempotencyKey: 'retry-1', comment: 'Dugnad' };
    const results = await Promise.all(Array.from({ length: 5 }, () => service(resident).book(request)));
    expect(new Set(results.map((b) => b.id)).size).toBe(1);
    const again = await service(resident).book(request);
    expect(again.id).toBe(results[0]!.id);
    expect(await chargesOf(again.id)).toHaveLength(1);
    expect(await eventsOf(again.id)).toHaveLength(1);
    await expect(service(resident).book({ ...request, start: inHours(50), end: inHours(52) })).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' },
    });
    // Keys are per member: a neighbour's identical key is a booking attempt of its own.
    await expect(service(viewerIn(associationId)).book(request)).rejects.toMatchObject({ extensions: { reason: 'SLOT_TAKEN' } });
  });
});

describe('cancelling', () => {
  const associationId = randomUUID();
  const board = viewerIn(associationId, 'board');
  const paid = { priceUnit: 'per_booking' as const, weekdayPrice: 40_000, weekendPrice: 40_000, cancellationDeadlineHours: 48, lateCancellationFeePercent: 50 };

  it('is free before the deadline: the charge is refunded', async () => {
    const resourceId = await resourceIn(associationId, paid);
    const resident = service(viewerIn(associationId));
    const booking = await resident.book(slot(resourceId, 100));
    const cancelled = await resident.cancel({ bookingId: booking.id });
    expect(cancelled).toMatchObject({ booking: { status: 'cancelled', cancelledByMemberId: booking.bookerMemberId }, fee: 0, refunded: 40_000 });
    expect(await chargesOf(booking.id)).toEqual([
      { amount: 40_000, reason: 'booking' },
      { amount: -40_000, reason: 'cancellation_refund' },
    ]);
    expect((await eventsOf(booking.id)).at(-1)).toEqual({
      topic: 'reservation.cancelled',
      payload: expect.objectContaining({ recipients: [], byBoard: false }),
    });
    await expect(resident.cancel({ bookingId: booking.id })).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', reason: 'BOOKING_NOT_LIVE', status: 'CANCELLED' },
      message: 'The booking is already cancelled.',
    });
  });

  it('says why a started or ended booking cannot be cancelled', async () => {
    const resourceId = await resourceIn(associationId, paid);
    const booker = viewerIn(associationId);
    const started = await bookingAt(associationId, resourceId, booker.memberId, '-1 hour', '1 hour');
    const over = await bookingAt(associationId, resourceId, booker.memberId, '-3 hours', '-2 hours');
    await expect(service(booker).cancel({ bookingId: started })).rejects.toMatchObject({ extensions: { code: 'CONFLICT', reason: 'BOOKING_STARTED' } });
    await expect(service(board).cancel({ bookingId: over, reason: 'x' })).rejects.toMatchObject({ extensions: { code: 'CONFLICT', reason: 'BOOKING_OVER' } });
    await expect(service(booker).book({ ...slot(resourceId, 80), unitId: randomUUID() })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', reason: 'NOT_YOUR_HOUSEHOLD', field: 'unitId' },
    });
  });

  it('costs the late-cancellation fee after the deadline', async () => {
    const resourceId = await resourceIn(associationId, paid);
    const resident = service(viewerIn(associationId));
    const booking = await resident.book(slot(resourceId, 24));
    await expect(resident.cancel({ bookingId: booking.id })).resolves.toMatchObject({ fee: 20_000, refunded: 40_000 });
    expect(await chargesOf(booking.id)).toEqual(
      expect.arrayContaining([
        { amount: 40_000, reason: 'booking' },
        { amount: -40_000, reason: 'cancellation_refund' },
        { amount: 20_000, reason: 'late_cancellation' },
      ]),
    );
  });

  it("lets the board cancel anyone's booking with a reason the booker is told, refunded in full", async () => {
    const resourceId = await resourceIn(associationId, paid);
    const booker = viewerIn(associationId);
    const booking = await service(booker).book(slot(resourceId, 10));
    await expect(service(viewerIn(associationId)).cancel({ bookingId: booking.id })).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    await expect(service(board).cancel({ bookingId: booking.id })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'reason' },
    });
    await service(board).cancel({ bookingId: booking.id, reason: 'Vannlekkasje i lokalet' });
    expect(await chargesOf(booking.id)).toEqual([
      { amount: 40_000, reason: 'booking' },
      { amount: -40_000, reason: 'cancellation_refund' },
    ]);
    expect((await eventsOf(booking.id)).at(-1)).toEqual({
      topic: 'reservation.cancelled',
      payload: expect.objectContaining({ recipients: [booker.memberId], byBoard: true, reason: 'Vannlekkasje i lokalet' }),
    });
  });
});

describe('approval', () => {
  const associationId = randomUUID();
  const board = viewerIn(associationId, 'board');

  it('holds the time as pending, asks the board, and charges only once approved', async () => {
    const resourceId = await resourceIn(associationId, { requiresApproval: true, priceUnit: 'per_booking', weekdayPrice: 30_000, weekendPrice: 30_000 });
    const booker = viewerIn(associationId);
    const pending = await service(booker).book(slot(resourceId, 50));
    expect(pending.status).toBe('pending');
    expect(await chargesOf(pending.id)).toEqual([]);
    expect(await eventsOf(pending.id)).toEqual([{ topic: 'reservation.approval_requested', payload: expect.objectContaining({ recipientRole: 'board' }) }]);
    await expect(service(viewerIn(associationId)).book(slot(resourceId, 50))).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    await expect(service(booker).decide({ bookingId: pending.id, decision: 'APPROVE' })).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    const approved = await service(board).decide({ bookingId: pending.id, decision: 'APPROVE' });
    expect(approved).toMatchObject({ status: 'confirmed', decidedByMemberId: board.memberId });
    expect(await chargesOf(pending.id)).toEqual([{ amount: 30_000, reason: 'booking' }]);
    expect((await eventsOf(pending.id)).at(-1)).toEqual({
      topic: 'reservation.confirmed',
      payload: expect.objectContaining({ recipients: [booker.memberId] }),
    });
    await expect(service(board).decide({ bookingId: pending.id, decision: 'REJECT', reason: 'x' })).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', reason: 'BOOKING_NOT_PENDING', status: 'CONFIRMED' },
    });
  });

  it('rejects with a reason the booker is told, and frees the time', async () => {
    const resourceId = await resourceIn(associationId, { requiresApproval: true });
    const booker = viewerIn(associationId);
    const pending = await service(booker).book(slot(resourceId, 60));
    await expect(service(board).decide({ bookingId: pending.id, decision: 'REJECT' })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'reason' },
    });
    const rejected = await service(board).decide({ bookingId: pending.id, decision: 'REJECT', reason: 'Lokalet er opptatt av styret' });
    expect(rejected).toMatchObject({ status: 'rejected', decisionReason: 'Lokalet er opptatt av styret' });
    expect((await eventsOf(pending.id)).at(-1)).toEqual({
      topic: 'reservation.cancelled',
      payload: expect.objectContaining({ recipients: [booker.memberId], byBoard: true, rejected: true }),
    });
    await expect(service(viewerIn(associationId)).book(slot(resourceId, 60))).resolves.toMatchObject({ status: 'pending' });
  });

  it("confirms the board's own bookings without asking", async () => {
    const resourceId = await resourceIn(associationId, { requiresApproval: true });
    await expect(service(board).book(slot(resourceId, 70))).resolves.toMatchObject({ status: 'confirmed' });
  });
});

describe('reading bookings', () => {
  const associationId = randomUUID();
  const board = viewerIn(associationId, 'board');
  let resourceId: string;
  let hiddenId: string;
  let booker: MemberViewer;

  beforeAll(async () => {
    resourceId = await resourceIn(associationId, { priceUnit: 'per_booking', weekdayPrice: 10_000, weekendPrice: 10_000 });
    booker = viewerIn(associationId);
    hiddenId = (await service(booker).book({ ...slot(resourceId, 10), nameHidden: true, comment: 'Privat' })).id;
  });

  it("hides the booker's name and private details from neighbours, never from the board", async () => {
    const { ctx } = service(viewerIn(associationId));
    const booking = await ctx.bookings.booking(ctx.viewer, ctx.bookingLoaders, hiddenId);
    const resource = await ctx.resourceLoaders.resourceById.load(resourceId);
    expect(ctx.bookings.bookerOf(ctx.viewer, booking, resource)).toBeNull();
    expect(ctx.bookings.detail(ctx.viewer, booking, booking.comment)).toBeNull();
    expect(ctx.bookings.unitOf(ctx.viewer, booking)).toBeNull();
    const own = service(booker).ctx;
    expect(own.bookings.bookerOf(booker, booking, resource)).toBe(booker.memberId);
    expect(own.bookings.detail(booker, booking, booking.comment)).toBe('Privat');
    const boards = service(board).ctx;
    expect(boards.bookings.bookerOf(board, booking, resource)).toBe(booker.memberId);
    expect(boards.bookings.unitOf(board, booking)).toBe(booker.scope!.unitIds[0]);
  });

  it("lists a resource's live bookings in a range and the viewer's own in cursor pages", async () => {
    const own = service(booker);
    const later = await own.book(slot(resourceId, 20));
    const listed = await own.ctx.bookings.resourceBookings(booker, resourceId, inHours(0), inHours(48));
    expect(listed.map((b) => b.id)).toEqual([hiddenId, later.id]);
    const first = await own.ctx.bookings.myBookings(booker, { first: 1 });
    expect(first.nodes.map((b) => b.id)).toEqual([hiddenId]);
    const second = await own.ctx.bookings.myBookings(booker, { first: 1, after: first.pageInfo.endCursor });
    expect(second.nodes.map((b) => b.id)).toEqual([later.id]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('exports charges to the board only', async () => {
    const { ctx } = service(board);
    const page = await ctx.bookings.charges(board, { from: new Date(Date.now() - HOUR), to: new Date(Date.now() + HOUR) });
    expect(page.nodes.map((c) => c.bookingId)).toContain(hiddenId);
    await expect(ctx.bookings.charges(booker, { from: new Date(0), to: new Date() })).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
  });

  it("finds nothing of another association's: bookings, resources, lists and charges", async () => {
    const stranger = viewerIn(randomUUID(), 'board');
    const other = service(stranger);
    await expect(other.booking(hiddenId)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(other.cancel({ bookingId: hiddenId, reason: 'x' })).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(other.decide({ bookingId: hiddenId, decision: 'APPROVE' })).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(other.book(slot(resourceId, 30))).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(await other.ctx.bookingLoaders.bookingById.load(hiddenId)).toBeNull();
    await expect(other.ctx.bookings.resourceBookings(stranger, resourceId, inHours(0), inHours(48))).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
    const charges = await other.ctx.bookings.charges(stranger, { from: new Date(0), to: new Date(Date.now() + HOUR) });
    expect(charges.nodes).toEqual([]);
  });
});

describe("the viewer's bookings by status", () => {
  it('lists upcoming, pending, past and cancelled bookings apart: a cancelled booking is not upcoming', async () => {
    const associationId = randomUUID();
    const booker = viewerIn(associationId);
    const own = service(booker);
    const open = await resourceIn(associationId);
    const approved = await resourceIn(associationId, { requiresApproval: true });
    const confirmed = await own.book(slot(open, 10));
    const pending = await own.book(slot(approved, 20));
    const cancelled = await own.book(slot(open, 30));
    await own.cancel({ bookingId: cancelled.id });
    const past = randomUUID();
    await bed.subgraph.db.tenant(associationId, (tx) =>
      tx.execute(sql`insert into reservations.bookings
        (association_id, id, resource_id, booker_member_id, during, blocked, status, idempotency_key)
        values (${associationId}, ${past}, ${open}, ${booker.memberId}, tstzrange(now() - interval '3 days', now() - interval '2 days'),
                tstzrange(now() - interval '3 days', now() - interval '2 days'), 'confirmed', ${past})`),
    );
    const ids = async (status?: string) => (await own.ctx.bookings.myBookings(booker, { status })).nodes.map((b) => b.id);
    expect(await ids()).toEqual([confirmed.id, pending.id]);
    expect(await ids('UPCOMING')).toEqual([confirmed.id, pending.id]);
    expect(await ids('PENDING')).toEqual([pending.id]);
    // A pending booking the board never answered is past when it has ended, not missing from every list but ALL.
    const unanswered = await bookingAt(associationId, approved, booker.memberId, '-5 days', '-4 days', 'pending');
    expect(await ids('PAST')).toEqual([past, unanswered]);
    expect(await ids('PENDING')).toEqual([pending.id]);
    expect(await ids('CANCELLED')).toEqual([cancelled.id]);
    expect(await ids('ALL')).toEqual([cancelled.id, pending.id, confirmed.id, past, unanswered]);
  });
});

describe('the race for one slot', () => {
  it('gives 200 concurrent attempts exactly one booking and 199 conflicts that say why', async () => {
    const associationId = randomUUID();
    const resourceId = await resourceIn(associationId, { name: 'Vaskeriet' });
    const attempts = Array.from({ length: 200 }, () => service(viewerIn(associationId)).book(slot(resourceId, 5)));
    const results = await Promise.allSettled(attempts);
    const booked = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(booked).toHaveLength(1);
    expect(refused).toHaveLength(199);
    for (const error of refused)
      expect(error).toMatchObject({ extensions: { code: 'CONFLICT', reason: 'SLOT_TAKEN' }, message: expect.stringMatching(/already booked/) });
    expect(await bookingRows(resourceId)).toEqual([{ status: 'confirmed' }]);
  }, 120_000);
});

describe('through GraphQL', () => {
  const associationId = randomUUID();
  const board = viewerIn(associationId, 'board');

  /** Executes against the subgraph's own schema, so field resolvers and loaders run as they do behind the gateway. */
  async function execute(viewer: MemberViewer, source: string, variableValues: Record<string, unknown> = {}) {
    const merged: Record<string, object> = {};
    for (const map of bed.subgraph.definition.resolvers) {
      for (const [type, fields] of Object.entries(map)) merged[type] = { ...merged[type], ...(fields as object) };
    }
    const schema = buildSubgraphSchema({ typeDefs: bed.subgraph.definition.typeDefs, resolvers: merged as GraphQLResolverMap<unknown> });
    return graphql({ schema, source, variableValues, contextValue: bed.contextFor(viewer) });
  }

  const BOOKING_FIELDS = `id status start end booker { id } comment nameHidden price deposit unitId resource { id name }
    cancellation { byBoard reason }`;

  it('books, shows each viewer what they may see, and cancels with the reason told', async () => {
    const resourceId = await resourceIn(associationId, { name: 'Sauna', priceUnit: 'per_hour', weekdayPrice: 5_000, weekendPrice: 5_000 });
    const booker = viewerIn(associationId);
    const created = await execute(booker, `mutation($input: CreateBookingInput!) { createBooking(input: $input) { booking { ${BOOKING_FIELDS} } } }`, {
      input: {
        ...slot(resourceId, 8),
        start: inHours(8).toISOString(),
        end: inHours(10).toISOString(),
        idempotencyKey: 'gql-1',
        nameHidden: true,
        comment: 'Badstue',
      },
    });
    expect(created.errors).toBeUndefined();
    const booking = (created.data as { createBooking: { booking: Record<string, unknown> } }).createBooking.booking;
    expect(booking).toMatchObject({
      status: 'CONFIRMED',
      start: inHours(8),
      booker: { id: booker.memberId },
      comment: 'Badstue',
      price: 10_000,
      unitId: null,
      resource: { id: resourceId, name: 'Sauna' },
      cancellation: null,
    });

    const read = `query($id: ID!) { booking(id: $id) { ${BOOKING_FIELDS} } }`;
    const neighbour = await execute(viewerIn(associationId), read, { id: booking.id });
    expect(neighbour.data?.booking).toMatchObject({ booker: null, comment: null, price: null, deposit: null, unitId: null, nameHidden: true });
    const boards = await execute(board, read, { id: booking.id });
    expect(boards.data?.booking).toMatchObject({ booker: { id: booker.memberId }, comment: 'Badstue', unitId: booker.scope!.unitIds[0] });

    const cancelled = await execute(
      board,
      `mutation($input: CancelBookingInput!) { cancelBooking(input: $input) { booking { status cancellation { byBoard reason } } } }`,
      { input: { bookingId: booking.id, reason: 'Ovnen er defekt' } },
    );
    expect(cancelled.data?.cancelBooking).toEqual({ booking: { status: 'CANCELLED', cancellation: { byBoard: true, reason: 'Ovnen er defekt' } } });

    const entities = await execute(
      booker,
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Booking { id status } } }`,
      { representations: [{ __typename: 'Booking', id: booking.id }] },
    );
    expect(entities.data?._entities).toEqual([{ id: booking.id, status: 'CANCELLED' }]);

    const charges = await execute(
      board,
      `query($from: DateTime!, $to: DateTime!) { charges(from: $from, to: $to) { nodes { amount reason member { id } booking { id } } } }`,
      { from: new Date(Date.now() - HOUR).toISOString(), to: new Date(Date.now() + HOUR).toISOString() },
    );
    expect((charges.data?.charges as { nodes: unknown[] }).nodes).toEqual([
      { amount: 10_000, reason: 'BOOKING', member: { id: booker.memberId }, booking: { id: booking.id } },
      { amount: -10_000, reason: 'CANCELLATION_REFUND', member: { id: booker.memberId }, booking: { id: booking.id } },
    ]);
  });

  it('quotes a time as createBooking will judge it, and shows the booker the late-cancellation fee before and after', async () => {
    const resourceId = await resourceIn(
      associationId,
      {
        name: 'Vaskeriet',
        priceUnit: 'per_booking',
        weekdayPrice: 2_000,
        weekendPrice: 2_000,
        deposit: 500,
        cancellationDeadlineHours: 24,
        lateCancellationFeePercent: 50,
      },
      [{ per: 'unit', period: 'future', maxBookings: 1 }],
    );
    const booker = viewerIn(associationId);
    const neighbour = viewerIn(associationId);
    const QUOTE = `query($input: BookingQuoteInput!) { bookingQuote(input: $input) {
      canBook refusal { reason field } requiresApproval price deposit currency freeCancellationUntil lateCancellationFee
      quotas { used remaining remainingAfter quota { per maxBookings } } } }`;
    const time = { resourceId, start: inHours(10).toISOString(), end: inHours(12).toISOString() };
    const before = await execute(booker, QUOTE, { input: time });
    expect(before.errors).toBeUndefined();
    expect(before.data?.bookingQuote).toEqual({
      canBook: true,
      refusal: null,
      requiresApproval: false,
      price: 2_000,
      deposit: 500,
      currency: 'NOK',
      freeCancellationUntil: new Date(inHours(10).getTime() - 24 * HOUR),
      lateCancellationFee: 1_000,
      quotas: [{ used: 0, remaining: 1, remainingAfter: 0, quota: { per: 'UNIT', maxBookings: 1 } }],
    });

    const FIELDS = 'id viewerCanCancel freeCancellationUntil lateCancellationFee cancellation { fee refunded }';
    const created = await execute(booker, `mutation($input: CreateBookingInput!) { createBooking(input: $input) { booking { ${FIELDS} } } }`, {
      input: { ...time, idempotencyKey: 'quote-1' },
    });
    const booking = (created.data as { createBooking: { booking: { id: string } } }).createBooking.booking;
    expect(booking).toMatchObject({ viewerCanCancel: true, lateCancellationFee: 1_000, cancellation: null });
    const read = `query($id: ID!) { booking(id: $id) { ${FIELDS} } }`;
    expect((await execute(neighbour, read, { id: booking.id })).data?.booking).toMatchObject({
      viewerCanCancel: false,
      freeCancellationUntil: null,
      lateCancellationFee: null,
    });

    // The same time is now taken for the neighbour, and the booker's household quota is used up.
    const taken = await execute(neighbour, QUOTE, { input: time });
    expect(taken.data?.bookingQuote).toMatchObject({
      canBook: false,
      refusal: { reason: 'SLOT_TAKEN', field: null },
    });
    // No message in one fixed language: the client renders it from the reason in its own.
    const worded = await execute(neighbour, 'query($input: BookingQuoteInput!) { bookingQuote(input: $input) { refusal { message } } }', { input: time });
    expect(worded.errors?.[0]?.message).toMatch(/Cannot query field "message"/);
    const later = { ...time, start: inHours(30).toISOString(), end: inHours(32).toISOString() };
    expect((await execute(booker, QUOTE, { input: later })).data?.bookingQuote).toMatchObject({
      canBook: false,
      refusal: { reason: 'QUOTA_EXCEEDED' },
      quotas: [{ used: 1, remaining: 0, remainingAfter: 0 }],
    });
    const refused = await execute(booker, 'mutation($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } } }', {
      input: { ...later, idempotencyKey: 'quote-2' },
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'QUOTA_EXCEEDED' });

    // Ten hours ahead is past the 24-hour deadline: the booker pays half, and reads it in the payload and on the booking.
    const cancelled = await execute(booker, `mutation($input: CancelBookingInput!) { cancelBooking(input: $input) { fee refunded booking { ${FIELDS} } } }`, {
      input: { bookingId: booking.id },
    });
    expect(cancelled.data?.cancelBooking).toEqual({
      fee: 1_000,
      refunded: 2_000,
      booking: {
        id: booking.id,
        viewerCanCancel: false,
        freeCancellationUntil: null,
        lateCancellationFee: null,
        cancellation: { fee: 1_000, refunded: 2_000 },
      },
    });
    expect((await execute(neighbour, read, { id: booking.id })).data?.booking).toMatchObject({ cancellation: { fee: null, refunded: null } });
    expect((await execute(board, read, { id: booking.id })).data?.booking).toMatchObject({ cancellation: { fee: 1_000, refunded: 2_000 } });
    expect((await execute(booker, QUOTE, { input: { ...time, resourceId: randomUUID() } })).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
  });
});
