import { randomUUID } from 'node:crypto';
import { openEventStream, stopAll, type MemberViewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { openPostsTestBed, viewerIn, type PostsTestBed } from '../posts.fixtures';
import { ReminderSweep } from '@tunet/kit';
import { EventsService } from './events.service';
import { reminderOf } from './events.reminders';
import type { EventsRepository } from './events.repository';

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

/** The seat and reminder notices that name the member, in the order the outbox got them. */
async function noticesOf(eventId: string, memberId: string): Promise<string[]> {
  const result = await bed.db.system((tx) =>
    tx.execute(sql`select topic from posts.outbox
      where topic in ('event.signup_promoted', 'event.reminder_due') and payload->>'eventId' = ${eventId}
        and (payload->>'memberId' = ${memberId} or payload->'recipients' ? ${memberId})
      order by id`),
  );
  return (result as { rows: { topic: string }[] }).rows.map((row) => row.topic);
}

/**
 * Resolves once a transaction waits to lock an event row another holds: it holds the row's tuple lock and waits for
 * the holder's transaction to end (pg_locks; pg_stat_activity hides other roles' sessions). Only this database's
 * locks count, as other test files' databases share the server and may reuse the table's oid. Throws after 5 s,
 * so that a cancellation that never blocks fails here, while the database is still there, not at jest's timeout.
 */
async function someoneWaitsForAnEvent(): Promise<void> {
  const waiting = async () => {
    const result = await bed.db.system((tx) =>
      tx.execute(sql`select 1 from pg_locks w join pg_locks t on t.pid = w.pid
        where not w.granted and w.locktype = 'transactionid' and t.locktype = 'tuple'
          and t.database = (select oid from pg_database where datname = current_database())
          and t.relation = 'posts.events'::regclass`),
    );
    return (result as { rows: unknown[] }).rows.length > 0;
  };
  const deadline = Date.now() + 5_000;
  while (!(await waiting())) {
    if (Date.now() > deadline) throw new Error('no transaction waited for an event row within 5 s: the cancellation did not block on the lock');
    await new Promise((r) => setTimeout(r, 10));
  }
}

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

  it("marks a member reminded by the sweep's clock, and one reminded late by the sign-up's, not the database's", async () => {
    const event = await arrange(board, 12);
    const [early, late] = [viewerIn(associationId), viewerIn(associationId)];
    const [sweptAt, signedUpAt] = [inHours(-2), inHours(1)];
    await signUp(early, event.id);
    await sweepAt(sweptAt);

    const later = new EventsService(bed.subgraph.eventsRepository, () => signedUpAt);
    await later.signUp(late, bed.contextFor(late).loaders, { eventId: event.id, adults: 1 });

    const signups = await bed.subgraph.eventsRepository.findSignups(associationId, [event.id]);
    expect(signups.map((s) => [s.memberId, s.remindedAt])).toEqual([
      [early.memberId, sweptAt],
      [late.memberId, signedUpAt],
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
    for (const promoted of [first, second, third]) {
      expect(await noticesOf(event.id, promoted.memberId)).toEqual(['event.signup_promoted', 'event.reminder_due']);
    }
  });

  it('reminds a member once however often they cancel and come back after the reminder', async () => {
    const event = await arrange(board, 12, { capacity: 1 });
    const [member, other] = [viewerIn(associationId), viewerIn(associationId)];
    await signUp(member, event.id);
    await sweepAt(new Date());

    await cancelSignup(member, event.id);
    await signUp(other, event.id);
    expect((await signUp(member, event.id)).signup.status).toBe('waitlisted');
    await cancelSignup(other, event.id);
    // Back again, straight into the seat the other left.
    await cancelSignup(member, event.id);
    expect((await signUp(member, event.id)).signup.status).toBe('confirmed');

    expect(await noticesOf(event.id, member.memberId)).toEqual(['event.reminder_due', 'event.signup_promoted']);
    expect(await noticesOf(event.id, other.memberId)).toEqual(['event.reminder_due']);
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

  it('reminds a member promoted while the sweep holds the event once, on their own after the sweep', async () => {
    const event = await arrange(board, 12, { capacity: 1 });
    const [leaving, waiting] = [viewerIn(associationId), viewerIn(associationId)];
    await signUp(leaving, event.id);
    await signUp(waiting, event.id);

    let cancelling: Promise<unknown> = Promise.resolve();
    const now = new Date();
    try {
      await bed.subgraph.eventsRepository.claimDueReminders(now, inHours(24, now.getTime()), 100, async (due, confirmed) => {
        if (due.id === event.id) {
          cancelling = cancelSignup(leaving, event.id);
          await someoneWaitsForAnEvent();
        }
        return reminderOf(due, confirmed);
      });
    } finally {
      // Also when the wait above gives up: the cancellation must end before the test bed closes.
      await cancelling;
    }

    expect(await recipientsOf(event.id)).toEqual([[leaving.memberId], [waiting.memberId]]);
    expect(await noticesOf(event.id, waiting.memberId)).toEqual(['event.signup_promoted', 'event.reminder_due']);
  });

  it('leaves a member promoted while a cancellation holds the event to the next sweep, which reminds them', async () => {
    const event = await arrange(board, 12, { capacity: 1 });
    const [leaving, waiting] = [viewerIn(associationId), viewerIn(associationId)];
    await signUp(leaving, event.id);
    await signUp(waiting, event.id);

    const repository = bed.subgraph.eventsRepository;
    const claimedMeanwhile: string[] = [];
    const holding = Object.create(repository) as EventsRepository;
    holding.cancelSignup = (tenant, eventId, memberId, check, promote, announce, remind) =>
      repository.cancelSignup(
        tenant,
        eventId,
        memberId,
        check,
        async (locked, active) => {
          await repository.claimDueReminders(new Date(), inHours(24), 100, (due, confirmed) => {
            claimedMeanwhile.push(due.id);
            return reminderOf(due, confirmed);
          });
          return promote(locked, active);
        },
        announce,
        remind,
      );
    await cancelSignup(leaving, event.id, new EventsService(holding));
    expect(claimedMeanwhile).not.toContain(event.id);

    await sweepAt(new Date());
    expect(await recipientsOf(event.id)).toEqual([[waiting.memberId]]);
    expect(await noticesOf(event.id, waiting.memberId)).toEqual(['event.signup_promoted', 'event.reminder_due']);
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
