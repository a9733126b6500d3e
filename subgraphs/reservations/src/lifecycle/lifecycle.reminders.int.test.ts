import { randomUUID } from 'node:crypto';
import { openEventStream, stopAll, type MemberViewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { openReservationsTestBed, viewerIn, type ReservationsTestBed } from '../reservations.fixtures';
import { arrangeBooking, arrangeResource } from './lifecycle.fixtures';
import { ReminderSweep } from '@tunet/kit';
import { BookingReminders } from './lifecycle.reminders';

let bed: ReservationsTestBed;

beforeAll(async () => {
  bed = await openReservationsTestBed();
});

afterAll(() => bed.close());

const HOUR = 3_600_000;
const inHours = (hours: number, from = Date.now()) => new Date(from + hours * HOUR);

type Reminder = { bookingId: string; resourceId: string; resourceName: string; start: string; end: string; recipients: string[] };

async function remindersOf(bookingIds: string[]): Promise<Reminder[]> {
  const result = await bed.subgraph.db.system((tx) =>
    tx.execute(sql`select payload from reservations.outbox where topic = 'reservation.reminder_due' order by id`),
  );
  return (result as { rows: { payload: Reminder }[] }).rows.map((row) => row.payload).filter((payload) => bookingIds.includes(payload.bookingId));
}

const book = (booker: MemberViewer, resourceId: string, startsInHours: number, status: 'confirmed' | 'pending' | 'cancelled' = 'confirmed') =>
  arrangeBooking(bed.subgraph.db, booker, resourceId, { start: inHours(startsInHours), end: inHours(startsInHours + 1) }, { status });

const sweepAt = (at: Date) => new ReminderSweep('booking-reminders', new BookingReminders(bed.subgraph.lifecycleRepository), {}, () => at).sweep();

describe('booking reminders', () => {
  const associationId = randomUUID();

  it('reminds the booker of a confirmed booking starting within 24 hours, once', async () => {
    const resident = viewerIn(associationId);
    const laundry = await arrangeResource(bed.subgraph.db, associationId, 'Vaskeriet');
    const start = inHours(12);
    const booking = await arrangeBooking(bed.subgraph.db, resident, laundry, { start, end: inHours(3, start.getTime()) });

    await sweepAt(new Date());
    await sweepAt(new Date());
    expect(await remindersOf([booking])).toEqual([
      {
        bookingId: booking,
        resourceId: laundry,
        resourceName: 'Vaskeriet',
        start: start.toISOString(),
        end: inHours(3, start.getTime()).toISOString(),
        recipients: [resident.memberId],
      },
    ]);
  });

  it('waits until 24 hours before the start, and skips pending, cancelled and started bookings', async () => {
    const resident = viewerIn(associationId);
    const room = await arrangeResource(bed.subgraph.db, associationId, 'Selskapslokalet');
    const later = await book(resident, room, 30);
    const started = await book(resident, room, -1);
    const pending = await book(resident, room, 5, 'pending');
    const cancelled = await book(resident, room, 8, 'cancelled');

    await sweepAt(new Date());
    expect(await remindersOf([later, started, pending, cancelled])).toEqual([]);
    await sweepAt(inHours(5));
    expect(await remindersOf([later])).toEqual([]);
    await sweepAt(inHours(6.01));
    expect((await remindersOf([later, started, pending, cancelled])).map((r) => r.bookingId)).toEqual([later]);
  });

  it('reminds of each due booking exactly once when two replicas sweep at the same moment, across associations', async () => {
    const [here, there] = [viewerIn(randomUUID()), viewerIn(randomUUID())];
    const [a, b] = [
      await arrangeResource(bed.subgraph.db, here.associationId, 'Badstua'),
      await arrangeResource(bed.subgraph.db, there.associationId, 'Badstua'),
    ];
    const due = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? book(here, a, 1 + i) : book(there, b, 1 + i))));
    const now = new Date();
    const claimed = await Promise.all([sweepAt(now), sweepAt(now)]);
    const reminders = await remindersOf(due);
    expect(reminders.map((r) => r.bookingId).sort()).toEqual([...due].sort());
    expect(claimed[0] + claimed[1]).toBe(8);
    expect(await sweepAt(now)).toBe(0);
  });

  it('sweeps as soon as the subgraph starts its background jobs', async () => {
    const resident = viewerIn(associationId);
    const booking = await book(resident, await arrangeResource(bed.subgraph.db, associationId, 'Verktøy'), 2);
    const jobs = bed.subgraph.backgroundJobs(openEventStream({ kind: 'memory', namespace: `reminders-${randomUUID()}` }));
    for (const job of jobs) job.start();
    const deadline = Date.now() + 5_000;
    while ((await remindersOf([booking])).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await stopAll(jobs);
    expect(await remindersOf([booking])).toHaveLength(1);
  });
});
