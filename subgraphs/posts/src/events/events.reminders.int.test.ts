import { randomUUID } from 'node:crypto';
import { openEventStream, stopAll, type MemberViewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { openPostsTestBed, viewerIn, type PostsTestBed } from '../posts.fixtures';
import { ReminderSweep } from '@tunet/kit';
import { EventsService } from './events.service';

let bed: PostsTestBed;

beforeAll(async () => {
  bed = await openPostsTestBed();
});

afterAll(() => bed.close());

const HOUR = 3_600_000;
const inHours = (hours: number, from = Date.now()) => new Date(from + hours * HOUR);

type Reminder = { eventId: string; title: string; startsAt: string; place: string; recipients: string[] };

async function remindersOf(eventIds: string[]): Promise<Reminder[]> {
  const result = await bed.db.system((tx) => tx.execute(sql`select payload from posts.outbox where topic = 'event.reminder_due' order by id`));
  return (result as { rows: { payload: Reminder }[] }).rows.map((row) => row.payload).filter((payload) => eventIds.includes(payload.eventId));
}

async function arrange(board: MemberViewer, startsInHours: number, input: Record<string, unknown> = {}) {
  return bed.contextFor(board).events.createEvent(board, {
    title: 'Dugnad',
    place: 'Gården',
    startsAt: inHours(startsInHours),
    endsAt: inHours(startsInHours + 3),
    ...input,
  });
}

const signUp = (viewer: MemberViewer, eventId: string, adults = 1) =>
  bed.contextFor(viewer).events.signUp(viewer, bed.contextFor(viewer).loaders, { eventId, adults });
const cancelSignup = (viewer: MemberViewer, eventId: string, events = bed.contextFor(viewer).events) =>
  events.cancelSignup(viewer, bed.contextFor(viewer).loaders, { eventId });
const changeSignup = (viewer: MemberViewer, eventId: string, adults: number) =>
  bed.contextFor(viewer).events.changeSignup(viewer, bed.contextFor(viewer).loaders, { eventId, adults, children: 0 });

const recipientsOf = async (eventId: string) => (await remindersOf([eventId])).map((r) => r.recipients);

const sweepAt = (at: Date) => new ReminderSweep('event-reminders', bed.subgraph.events, {}, () => at).sweep();

describe('event reminders', () => {
  const associationId = randomUUID();
  const board = viewerIn(associationId, 'board');

  it('announces an event starting within 24 hours once, to the members with a confirmed seat only', async () => {
    const event = await arrange(board, 12, { capacity: 1 });
    const [confirmed, waitlisted, withdrawn] = [viewerIn(associationId), viewerIn(associationId), viewerIn(associationId)];
    await signUp(withdrawn, event.id);
    await bed.contextFor(withdrawn).events.cancelSignup(withdrawn, bed.contextFor(withdrawn).loaders, { eventId: event.id });
    await signUp(confirmed, event.id);
    expect((await signUp(waitlisted, event.id)).signup.status).toBe('waitlisted');

    await sweepAt(new Date());
    await sweepAt(new Date());
    expect(await remindersOf([event.id])).toEqual([
      { eventId: event.id, title: 'Dugnad', startsAt: event.startsAt.toISOString(), place: 'Gården', recipients: [confirmed.memberId] },
    ]);
  });

  it('reminds a member who signs up after the event was reminded, alone, and not one who waits for a seat', async () => {
    const event = await arrange(board, 12, { capacity: 2 });
    const [early, late, waiting] = [viewerIn(associationId), viewerIn(associationId), viewerIn(associationId)];
    await signUp(early, event.id);
    await sweepAt(new Date());

    await signUp(late, event.id);
    expect((await signUp(waiting, event.id)).signup.status).toBe('waitlisted');
    await sweepAt(new Date());

    const reminder = { eventId: event.id, title: 'Dugnad', startsAt: event.startsAt.toISOString(), place: 'Gården' };
    expect(await remindersOf([event.id])).toEqual([
      { ...reminder, recipients: [early.memberId] },
      { ...reminder, recipients: [late.memberId] },
    ]);
  });

  it('reminds a waitlisted member promoted after the event was reminded, alone, whichever change freed the seat', async () => {
    const event = await arrange(board, 12, { capacity: 3, maxGuestsPerSignup: 1 });
    const [shrinking, leaving] = [viewerIn(associationId), viewerIn(associationId)];
    const [first, second, third] = [viewerIn(associationId), viewerIn(associationId), viewerIn(associationId)];
    await signUp(shrinking, event.id, 2);
    await signUp(leaving, event.id);
    for (const waiting of [first, second, third]) expect((await signUp(waiting, event.id)).signup.status).toBe('waitlisted');
    await sweepAt(new Date());

    await changeSignup(shrinking, event.id, 1);
    await cancelSignup(leaving, event.id);
    // Erasing a member gives up their seats as a cancellation does.
    await bed.contextFor(board).events.releaseSeatsOf(associationId, shrinking.memberId, [event.id]);
    await sweepAt(new Date());

    expect(await recipientsOf(event.id)).toEqual([[shrinking.memberId, leaving.memberId], [first.memberId], [second.memberId], [third.memberId]]);
  });

  it('reminds a member promoted before the sweep by the sweep only', async () => {
    const event = await arrange(board, 12, { capacity: 1 });
    const [leaving, waiting] = [viewerIn(associationId), viewerIn(associationId)];
    await signUp(leaving, event.id);
    await signUp(waiting, event.id);
    await cancelSignup(leaving, event.id);

    await sweepAt(new Date());
    await sweepAt(new Date());
    expect(await recipientsOf(event.id)).toEqual([[waiting.memberId]]);
  });

  it('sends no reminder to a member promoted after the event started', async () => {
    const event = await arrange(board, 1, { capacity: 1 });
    const [leaving, waiting] = [viewerIn(associationId), viewerIn(associationId)];
    await signUp(leaving, event.id);
    await signUp(waiting, event.id);
    await sweepAt(new Date());

    const afterStart = new EventsService(bed.subgraph.eventsRepository, () => inHours(2));
    await cancelSignup(leaving, event.id, afterStart);
    const ctx = bed.contextFor(board);
    expect((await ctx.events.signupsVisibleTo(board, ctx.loaders, event)).find((s) => s.memberId === waiting.memberId)?.status).toBe('confirmed');
    expect(await recipientsOf(event.id)).toEqual([[leaving.memberId]]);
  });

  it('reminds each promoted member once when promotions and a sweep run at the same moment', async () => {
    const own = viewerIn(randomUUID(), 'board');
    const events = await Promise.all(Array.from({ length: 6 }, (_, i) => arrange(own, 2 + i, { capacity: 1 })));
    const pairs = events.map((event) => ({ event, leaving: viewerIn(own.associationId), waiting: viewerIn(own.associationId) }));
    for (const { event, leaving, waiting } of pairs) {
      await signUp(leaving, event.id);
      await signUp(waiting, event.id);
    }

    const now = new Date();
    await Promise.all([sweepAt(now), ...pairs.map(({ event, leaving }) => cancelSignup(leaving, event.id))]);
    // The sweep skips an event a cancellation holds locked; the next one claims it.
    await sweepAt(now);
    for (const { event, waiting } of pairs) {
      expect((await recipientsOf(event.id)).flat().filter((id) => id === waiting.memberId)).toEqual([waiting.memberId]);
    }
  });

  it('waits until 24 hours before the start, and skips cancelled and started events', async () => {
    const later = await arrange(board, 30);
    const started = await arrange(board, -1);
    const cancelled = await arrange(board, 5);
    await bed.contextFor(board).events.cancelEvent(board, bed.contextFor(board).loaders, { eventId: cancelled.id, reason: 'Regn' });

    await sweepAt(new Date());
    expect(await remindersOf([later.id, started.id, cancelled.id])).toEqual([]);

    await sweepAt(inHours(5));
    expect(await remindersOf([later.id])).toEqual([]);
    await sweepAt(inHours(6.01));
    expect((await remindersOf([later.id, started.id, cancelled.id])).map((r) => r.eventId)).toEqual([later.id]);
  });

  it('announces each due event exactly once when two replicas sweep at the same moment', async () => {
    const own = viewerIn(randomUUID(), 'board');
    const due = await Promise.all(Array.from({ length: 8 }, (_, i) => arrange(own, 1 + i)));
    const now = new Date();
    const claimed = await Promise.all([sweepAt(now), sweepAt(now)]);
    const reminders = await remindersOf(due.map((e) => e.id));
    expect(reminders.map((r) => r.eventId).sort()).toEqual(due.map((e) => e.id).sort());
    expect(claimed[0] + claimed[1]).toBe(8);
    expect(await sweepAt(now)).toBe(0);
  });

  it('sweeps as soon as the subgraph starts its background jobs', async () => {
    const event = await arrange(board, 2);
    const jobs = bed.subgraph.backgroundJobs(openEventStream({ kind: 'memory', namespace: `reminders-${randomUUID()}` }));
    for (const job of jobs) job.start();
    const deadline = Date.now() + 5_000;
    while ((await remindersOf([event.id])).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await stopAll(jobs);
    expect(await remindersOf([event.id])).toHaveLength(1);
  });
});
