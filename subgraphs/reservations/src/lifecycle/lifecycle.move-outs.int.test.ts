import { randomUUID } from 'node:crypto';
import { openEventStream, type ContractEvent, type MemberViewer } from '@tunet/kit';
import type { TunetEvents } from '@tunet/events';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { openReservationsTestBed, viewerIn, type ReservationsTestBed } from '../reservations.fixtures';
import { arrangeBooking, arrangeResource } from './lifecycle.fixtures';
import { memberEvents } from './lifecycle.move-outs';

let bed: ReservationsTestBed;

beforeAll(async () => {
  bed = await openReservationsTestBed();
});

afterAll(() => bed.close());

const movedOut = (associationId: string, memberId: string, moveOut: string): ContractEvent<TunetEvents, 'member.moved_out'> => ({
  eventId: randomUUID(),
  topic: 'member.moved_out',
  associationId,
  occurredAt: new Date(),
  payload: { memberId, unitId: randomUUID(), tenureId: randomUUID(), moveOut },
});

type Cancelled = { bookingId: string; resourceName: string; recipients: string[]; reason: string; start: string };

async function cancellationsOf(bookingIds: string[]): Promise<Cancelled[]> {
  const result = await bed.subgraph.db.system((tx) =>
    tx.execute(sql`select payload from reservations.outbox where topic = 'reservation.cancelled' order by id`),
  );
  return (result as { rows: { payload: Cancelled }[] }).rows.map((row) => row.payload).filter((payload) => bookingIds.includes(payload.bookingId));
}

async function statesOf(bookingIds: string[]) {
  const result = await bed.subgraph.db.system((tx) =>
    tx.execute(sql`select id, status, cancel_reason, cancelled_by_member_id from reservations.bookings where id in ${bookingIds}`),
  );
  const rows = (result as { rows: { id: string; status: string; cancel_reason: string | null; cancelled_by_member_id: string | null }[] }).rows;
  return Object.fromEntries(rows.map((row) => [row.id, row]));
}

async function chargesOf(bookingId: string): Promise<{ amount: number; reason: string }[]> {
  const result = await bed.subgraph.db.system((tx) =>
    tx.execute(sql`select amount, reason from reservations.charges where booking_id = ${bookingId} order by created_at, amount desc`),
  );
  return (result as { rows: { amount: number; reason: string }[] }).rows;
}

const hours = (start: string, length: number) => ({ start: new Date(start), end: new Date(new Date(start).getTime() + length * 3_600_000) });

describe('move-outs', () => {
  const associationId = randomUUID();

  // 28 March 2027 is the day summer time starts in Oslo: the day ends at 22:00 UTC.
  async function arrange(resident: MemberViewer) {
    const flat = await arrangeResource(bed.subgraph.db, associationId, 'Gjesteleiligheten');
    const room = await arrangeResource(bed.subgraph.db, associationId, 'Selskapslokalet');
    return {
      lastEvening: await arrangeBooking(bed.subgraph.db, resident, room, hours('2027-03-28T21:30:00Z', 0.5)),
      nextMorning: await arrangeBooking(bed.subgraph.db, resident, room, hours('2027-03-28T22:00:00Z', 2), { paid: 35_000 }),
      pending: await arrangeBooking(bed.subgraph.db, resident, flat, hours('2027-05-01T13:00:00Z', 24), { status: 'pending' }),
    };
  }

  it('cancels the mover’s live bookings starting after the move-out day in Oslo, refunds them and tells the booker', async () => {
    const resident = viewerIn(associationId);
    const neighbour = viewerIn(associationId);
    const booked = await arrange(resident);
    const neighbours = await arrangeBooking(
      bed.subgraph.db,
      neighbour,
      await arrangeResource(bed.subgraph.db, associationId, 'Badstua'),
      hours('2027-04-02T16:00:00Z', 1),
    );

    await bed.subgraph.moveOuts.handle(movedOut(associationId, resident.memberId, '2027-03-28'));

    const states = await statesOf([booked.lastEvening, booked.nextMorning, booked.pending, neighbours]);
    expect(states[booked.lastEvening]!.status).toBe('confirmed');
    expect(states[neighbours]!.status).toBe('confirmed');
    for (const id of [booked.nextMorning, booked.pending]) {
      expect(states[id]).toMatchObject({ status: 'cancelled', cancel_reason: 'Moved out', cancelled_by_member_id: null });
    }
    expect(await cancellationsOf(Object.values(booked))).toEqual([
      expect.objectContaining({ bookingId: booked.nextMorning, resourceName: 'Selskapslokalet', recipients: [resident.memberId], reason: 'Moved out' }),
      expect.objectContaining({ bookingId: booked.pending, resourceName: 'Gjesteleiligheten', recipients: [resident.memberId], reason: 'Moved out' }),
    ]);
    expect(await chargesOf(booked.nextMorning)).toEqual([
      { amount: 35_000, reason: 'booking' },
      { amount: -35_000, reason: 'cancellation_refund' },
    ]);
  });

  it('ends the move-out day at midnight in the association’s own time zone when the event names it', async () => {
    const resident = viewerIn(associationId);
    const room = await arrangeResource(bed.subgraph.db, associationId, 'Hobbyrommet');
    // 28 March 2027 ends at 04:00 UTC in New York (summer time), six hours after it ends in Oslo.
    const sameEvening = await arrangeBooking(bed.subgraph.db, resident, room, hours('2027-03-29T02:00:00Z', 1));
    const dayAfter = await arrangeBooking(bed.subgraph.db, resident, room, hours('2027-03-29T04:00:00Z', 1));
    const event = movedOut(associationId, resident.memberId, '2027-03-28');
    await bed.subgraph.moveOuts.handle({ ...event, payload: { ...event.payload, timeZone: 'America/New_York' } });
    const states = await statesOf([sameEvening, dayAfter]);
    expect(states[sameEvening]!.status).toBe('confirmed');
    expect(states[dayAfter]!.status).toBe('cancelled');
  });

  it('changes nothing when the stream delivers the same move-out again, or two at once', async () => {
    const resident = viewerIn(associationId);
    const booked = await arrange(resident);
    const event = movedOut(associationId, resident.memberId, '2027-03-28');
    await Promise.all([bed.subgraph.moveOuts.handle(event), bed.subgraph.moveOuts.handle(event)]);
    await bed.subgraph.moveOuts.handle(event);
    expect(await cancellationsOf(Object.values(booked))).toHaveLength(2);
    expect(await chargesOf(booked.nextMorning)).toHaveLength(2);
  });

  it('another association’s move-out of the same member id changes nothing', async () => {
    const resident = viewerIn(associationId);
    const booked = await arrange(resident);
    await bed.subgraph.moveOuts.handle(movedOut(randomUUID(), resident.memberId, '2020-01-01'));
    expect(
      Object.values(await statesOf(Object.values(booked)))
        .map((row) => row.status)
        .sort(),
    ).toEqual(['confirmed', 'confirmed', 'pending']);
  });

  it('ends the mover’s calendar feeds once the move-out day is over, not before', async () => {
    const resident = viewerIn(associationId);
    const feedOf = () => bed.subgraph.calendar.myBookingsCalendar(resident, 'https://tunet.test');
    const opens = async (url: string) => {
      const route = bed.subgraph.definition.publicRoutes!['bookings-calendar']!;
      const path = new URL(url).pathname.replace(/^\/bookings-calendar/, '');
      return route({ path, query: {}, context: { viewer: null, requestId: 'test', clientIp: '127.0.0.1' } }).then(
        () => true,
        () => false,
      );
    };
    const { url } = await feedOf();
    await bed.subgraph.moveOuts.handle(movedOut(associationId, resident.memberId, DateTime.now().setZone('Europe/Oslo').toISODate()!));
    expect(await opens(url)).toBe(true);
    expect((await feedOf()).url).toBe(url);
    await bed.subgraph.moveOuts.handle(movedOut(associationId, resident.memberId, '2020-01-31'));
    expect(await opens(url)).toBe(false);
  });

  it('hears of move-outs through the event stream', async () => {
    const resident = viewerIn(associationId);
    const booked = await arrange(resident);
    const stream = openEventStream({ kind: 'memory', namespace: `move-outs-${randomUUID()}` });
    const job = memberEvents(stream, bed.subgraph.db, bed.subgraph.moveOuts, { consumer: 'test', blockMs: 20 });
    job.start();
    try {
      // The group exists once the consumer has joined; events appended before that would start past it.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await stream.append([
        { ...movedOut(associationId, resident.memberId, '2027-03-28'), topic: 'member.suspended' },
        movedOut(associationId, resident.memberId, '2027-03-28'),
      ]);
      const deadline = Date.now() + 5_000;
      while ((await cancellationsOf(Object.values(booked))).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect((await cancellationsOf(Object.values(booked))).map((c) => c.bookingId)).toEqual([booked.nextMorning, booked.pending]);
    } finally {
      await job.stop();
    }
  });
});
