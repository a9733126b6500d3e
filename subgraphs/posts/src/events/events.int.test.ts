import { randomUUID } from 'node:crypto';
import type { MemberViewer, Viewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { openPostsTestBed, viewerIn, type PostsTestBed } from '../posts.fixtures';
import type { EventRow } from './events.repository';
import { EventsService } from './events.service';

let bed: PostsTestBed;

beforeAll(async () => {
  bed = await openPostsTestBed();
});

afterAll(() => bed.close());

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

async function arrange(board: MemberViewer, input: Record<string, unknown> = {}): Promise<EventRow> {
  return bed.contextFor(board).events.createEvent(board, {
    title: 'Sommerfest',
    startsAt: inDays(10),
    endsAt: inDays(10.2),
    ...input,
  });
}

const signUp = (viewer: Viewer, eventId: string, adults = 1, children = 0) =>
  bed.contextFor(viewer).events.signUp(viewer, bed.contextFor(viewer).loaders, { eventId, adults, children });

const changeSignup = (viewer: Viewer, eventId: string, adults: number, children = 0) =>
  bed.contextFor(viewer).events.changeSignup(viewer, bed.contextFor(viewer).loaders, { eventId, adults, children });

const cancelSignup = (viewer: Viewer, eventId: string) => bed.contextFor(viewer).events.cancelSignup(viewer, bed.contextFor(viewer).loaders, { eventId });

type Outboxed = { topic: string; payload: Record<string, string> };
const outbox = async (): Promise<Outboxed[]> => {
  const result = await bed.db.system((tx) => tx.execute(sql`select topic, payload from posts.outbox order by id`));
  return (result as { rows: Outboxed[] }).rows;
};

describe('events', () => {
  const associationId = randomUUID();
  const board = viewerIn(associationId, 'board');

  it('applies its migrations once', async () => {
    expect(await bed.subgraph.migrate()).toEqual([]);
  });

  it('the board creates an event, trimmed, with defaults', async () => {
    const event = await arrange(board, { title: '  Dugnad  ', capacity: 10, pricePerAdult: 15000 });
    expect(event).toMatchObject({
      associationId,
      createdByMemberId: board.memberId,
      title: 'Dugnad',
      description: '',
      capacity: 10,
      maxGuestsPerSignup: 0,
      pricePerAdult: 15000,
      pricePerChild: 0,
      cancelledAt: null,
    });
  });

  it('refuses a new event from a board member whose processing is restricted (FORBIDDEN, PROCESSING_RESTRICTED; decision 0038)', async () => {
    const board = viewerIn(randomUUID(), 'board');
    const restricted = new EventsService(bed.subgraph.eventsRepository, undefined, {
      isRestricted: async (_associationId, memberId) => memberId === board.memberId,
    });
    await expect(restricted.createEvent(board, { title: 'Sommerfest', startsAt: inDays(10), endsAt: inDays(10.2) })).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN', reason: 'PROCESSING_RESTRICTED' },
    });
    const colleague = viewerIn(board.associationId, 'board');
    expect((await restricted.createEvent(colleague, { title: 'Dugnad', startsAt: inDays(10), endsAt: inDays(10.2) })).createdByMemberId).toBe(
      colleague.memberId,
    );
  });

  it('lists upcoming events soonest first, in cursor pages', async () => {
    const own = viewerIn(randomUUID(), 'board');
    const later = await arrange(own, { title: 'Later', startsAt: inDays(20), endsAt: inDays(20.1) });
    const sooner = await arrange(own, { title: 'Sooner', startsAt: inDays(2), endsAt: inDays(2.1) });
    await arrange(own, { title: 'Past', startsAt: inDays(-2), endsAt: inDays(-1.9) });
    const { events } = bed.contextFor(own);
    const first = await events.listEvents(own, null, 1, null);
    expect(first.nodes.map((e) => e.id)).toEqual([sooner.id]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await events.listEvents(own, null, 1, first.pageInfo.endCursor);
    expect(second.nodes.map((e) => e.id)).toEqual([later.id]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect((await events.listEvents(own, inDays(-3), 10, null)).nodes.map((e) => e.title)).toEqual(['Past', 'Sooner', 'Later']);
  });

  it('lists events already under way before upcoming ones, in cursor pages, and leaves out those that ended', async () => {
    const own = viewerIn(randomUUID(), 'board');
    await arrange(own, { title: 'Ended', startsAt: inDays(-1), endsAt: inDays(-0.5) });
    const longRunning = await arrange(own, { title: 'Art exhibition', startsAt: inDays(-3), endsAt: inDays(3) });
    const underWay = await arrange(own, { title: 'Dugnad', startsAt: inDays(-0.05), endsAt: inDays(0.1) });
    const upcoming = await arrange(own, { title: 'Sommerfest', startsAt: inDays(1), endsAt: inDays(1.2) });
    const { events } = bed.contextFor(own);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await events.listEvents(own, null, 1, after);
      seen.push(...page.nodes.map((e) => e.title));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(['Art exhibition', 'Dugnad', 'Sommerfest']);
    expect((await events.listEvents(own, inDays(0.5), 10, null)).nodes.map((e) => e.id)).toEqual([longRunning.id, upcoming.id]);
    expect((await events.listEvents(own, inDays(0.05), 10, null)).nodes.map((e) => e.id)).toEqual([longRunning.id, underWay.id, upcoming.id]);
  });

  it('lists an event that takes no time from the instant it starts', async () => {
    const own = viewerIn(randomUUID(), 'board');
    const at = inDays(4);
    const instant = await arrange(own, { title: 'Deadline', startsAt: at, endsAt: at });
    expect((await bed.contextFor(own).events.listEvents(own, at, 10, null)).nodes.map((e) => e.id)).toEqual([instant.id]);
  });

  it.each([
    ['an empty title', { title: ' ' }, 'title'],
    ['an end before the start', { startsAt: inDays(5), endsAt: inDays(4) }, 'endsAt'],
    ['a deadline after the start', { signupDeadline: inDays(11) }, 'signupDeadline'],
    ['a capacity of 0', { capacity: 0 }, 'capacity'],
    ['a negative price', { pricePerChild: -1 }, 'pricePerChild'],
  ])('rejects %s as BAD_USER_INPUT on the field', async (_case, input, field) => {
    await expect(arrange(board, input)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
  });

  it('rejects a party larger than the guests allowed, naming the field', async () => {
    const event = await arrange(board, { maxGuestsPerSignup: 2 });
    const resident = viewerIn(associationId);
    await expect(signUp(resident, event.id, 0, 1)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'adults' } });
    await expect(signUp(resident, event.id, 4, 0)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'adults' } });
    await expect(signUp(resident, event.id, 2, 2)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'children' } });
    expect((await signUp(resident, event.id, 1, 2)).signup.status).toBe('confirmed');
  });

  it('only the board creates and cancels events; externals may not sign up', async () => {
    const resident = viewerIn(associationId);
    const external = viewerIn(associationId, 'external');
    const event = await arrange(board);
    await expect(arrange(resident)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(arrange(null as unknown as MemberViewer)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(
      bed.contextFor(resident).events.cancelEvent(resident, bed.contextFor(resident).loaders, { eventId: event.id, reason: 'Nei' }),
    ).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(signUp(external, event.id)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });

  it('waitlists beyond capacity and promotes in order on cancellation, announcing each promotion', async () => {
    const event = await arrange(board, { capacity: 4, maxGuestsPerSignup: 3 });
    const [a, b, c, d] = [viewerIn(associationId), viewerIn(associationId), viewerIn(associationId), viewerIn(associationId)];
    expect((await signUp(a, event.id, 2, 1)).signup).toMatchObject({ status: 'confirmed', waitlistPosition: null });
    expect((await signUp(b, event.id, 1)).signup).toMatchObject({ status: 'confirmed' });
    expect((await signUp(c, event.id, 2)).signup).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    const dSignup = (await signUp(d, event.id, 1)).signup;
    expect(dSignup).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });

    const before = (await outbox()).length;
    const { signup } = await cancelSignup(a, event.id);
    expect(signup.status).toBe('cancelled');

    const ctx = bed.contextFor(board);
    const signups = await ctx.events.signupsVisibleTo(board, ctx.loaders, event);
    const byMember = new Map(signups.map((s) => [s.memberId, s]));
    expect(byMember.get(c.memberId)).toMatchObject({ status: 'confirmed', waitlistPosition: null });
    expect(byMember.get(d.memberId)).toMatchObject({ status: 'confirmed' });
    const promoted = (await outbox()).slice(before);
    expect(promoted).toEqual([
      { topic: 'event.signup_promoted', payload: { eventId: event.id, memberId: c.memberId, signupId: byMember.get(c.memberId)!.id } },
      { topic: 'event.signup_promoted', payload: { eventId: event.id, memberId: d.memberId, signupId: dSignup.id } },
    ]);
  });

  it('allows one active sign-up per member, and a new one after cancelling', async () => {
    const event = await arrange(board);
    const resident = viewerIn(associationId);
    await signUp(resident, event.id);
    await expect(signUp(resident, event.id)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    await cancelSignup(resident, event.id);
    expect((await signUp(resident, event.id)).signup.status).toBe('confirmed');
    await expect(cancelSignup(viewerIn(associationId), event.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND', reason: 'NOT_SIGNED_UP' } });
    await expect(cancelSignup(viewerIn(associationId, 'external'), event.id)).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN', reason: 'SIGNUP_RESIDENTS_ONLY' },
    });
  });

  it('refuses sign-ups after the deadline and for a cancelled event as CONFLICT, with the reason and the deadline', async () => {
    const resident = viewerIn(associationId);
    const deadline = new Date('2026-01-15T11:00:00.000Z');
    const closed = await arrange(board, { signupDeadline: deadline, startsAt: new Date('2026-01-20T17:00:00Z'), endsAt: new Date('2026-01-20T20:00:00Z') });
    // The deadline as an ISO date-time with the association's offset (Oslo in January: +01:00).
    await expect(signUp(resident, closed.id)).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', reason: 'SIGNUP_CLOSED', deadline: '2026-01-15T12:00:00.000+01:00' },
      message: expect.stringContaining('closed'),
    });

    const cancelled = await arrange(board);
    const ctx = bed.contextFor(board);
    const after = await ctx.events.cancelEvent(board, ctx.loaders, { eventId: cancelled.id, reason: 'Regnvær' });
    expect(after).toMatchObject({ cancelReason: 'Regnvær' });
    expect(after.cancelledAt).toBeInstanceOf(Date);
    await expect(signUp(resident, cancelled.id)).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', reason: 'EVENT_CANCELLED' },
      message: expect.stringContaining('cancelled'),
    });
  });

  it('refuses a second sign-up as ALREADY_SIGNED_UP and an external as SIGNUP_RESIDENTS_ONLY, as signUpStatus tells beforehand', async () => {
    const event = await arrange(board, { capacity: 1 });
    const [resident, external] = [viewerIn(associationId), viewerIn(associationId, 'external')];
    const status = `query($id: ID!) { event(id: $id) { viewerCanSignUp signUpStatus { allowed reason } viewerCanChangeSignup viewerCanCancel } }`;
    const ask = async (viewer: Viewer) => (await bed.execute<{ event: Record<string, unknown> }>(viewer, status, { id: event.id })).data!.event;
    expect(await ask(resident)).toEqual({
      viewerCanSignUp: true,
      signUpStatus: { allowed: true, reason: null },
      viewerCanChangeSignup: false,
      viewerCanCancel: false,
    });
    await signUp(viewerIn(associationId), event.id); // the seat is taken: the waitlist still takes sign-ups
    expect((await ask(resident)).signUpStatus).toEqual({ allowed: true, reason: null });
    expect((await signUp(resident, event.id)).signup.status).toBe('waitlisted');
    expect(await ask(resident)).toMatchObject({
      viewerCanSignUp: false,
      signUpStatus: { allowed: false, reason: 'ALREADY_SIGNED_UP' },
      viewerCanChangeSignup: true,
    });
    await expect(signUp(resident, event.id)).rejects.toMatchObject({ extensions: { code: 'CONFLICT', reason: 'ALREADY_SIGNED_UP' } });
    expect((await ask(external)).signUpStatus).toEqual({ allowed: false, reason: 'SIGNUP_RESIDENTS_ONLY' });
    await expect(signUp(external, event.id)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'SIGNUP_RESIDENTS_ONLY' } });
    expect(await ask(board)).toMatchObject({ signUpStatus: { allowed: true, reason: null }, viewerCanCancel: true });
    await bed.contextFor(board).events.cancelEvent(board, bed.contextFor(board).loaders, { eventId: event.id, reason: 'Regnvær' });
    expect(await ask(resident)).toMatchObject({ signUpStatus: { allowed: false, reason: 'EVENT_CANCELLED' }, viewerCanChangeSignup: false });
    expect((await ask(board)).viewerCanCancel).toBe(false);
  });

  describe('changing the party of a sign-up', () => {
    it('keeps the seat when shrinking and gives the freed seats to the waitlist in order, announced', async () => {
      const event = await arrange(board, { capacity: 4, maxGuestsPerSignup: 3 });
      const [a, b] = [viewerIn(associationId), viewerIn(associationId)];
      await signUp(a, event.id, 2, 2);
      const waiting = (await signUp(b, event.id, 2)).signup;
      expect(waiting.status).toBe('waitlisted');
      const before = (await outbox()).length;
      const { signup, event: after } = await changeSignup(a, event.id, 2);
      expect(signup).toMatchObject({ adults: 2, children: 0, status: 'confirmed' });
      expect(after.id).toBe(event.id);
      const ctx = bed.contextFor(board);
      const stored = await ctx.events.signupsVisibleTo(board, ctx.loaders, event);
      expect(stored.map((s) => [s.memberId, s.status])).toEqual([
        [a.memberId, 'confirmed'],
        [b.memberId, 'confirmed'],
      ]);
      expect((await outbox()).slice(before)).toEqual([
        { topic: 'event.signup_promoted', payload: { eventId: event.id, memberId: b.memberId, signupId: waiting.id } },
      ]);
    });

    it('grows into free seats, and is refused as EVENT_FULL with the seats left, unchanged, beyond them or past the waitlist', async () => {
      const event = await arrange(board, { capacity: 5, maxGuestsPerSignup: 4 });
      const [a, b, c] = [viewerIn(associationId), viewerIn(associationId), viewerIn(associationId)];
      await signUp(a, event.id, 1);
      await signUp(b, event.id, 2);
      expect((await changeSignup(a, event.id, 2, 1)).signup).toMatchObject({ adults: 2, children: 1, status: 'confirmed' });
      await expect(changeSignup(a, event.id, 4)).rejects.toMatchObject({ extensions: { code: 'CONFLICT', reason: 'EVENT_FULL', seatsLeft: 0 } });
      await changeSignup(b, event.id, 1);
      expect((await signUp(c, event.id, 2)).signup.status).toBe('waitlisted');
      // One seat is free, but C waits for two: A may not take it past C.
      await expect(changeSignup(a, event.id, 4)).rejects.toMatchObject({
        message: 'Your sign-up cannot grow: 1 free seat, and 1 sign-up waits for a seat first.',
        extensions: { reason: 'EVENT_FULL', seatsLeft: 1, waitlistLength: 1 },
      });
      const ctx = bed.contextFor(a);
      expect(await ctx.events.viewerSignup(a, ctx.loaders, event)).toMatchObject({ adults: 2, children: 1, status: 'confirmed' });
    });

    it('keeps a waitlisted sign-up in its place, and confirms it once it fits', async () => {
      const event = await arrange(board, { capacity: 3, maxGuestsPerSignup: 3 });
      const [a, b, c] = [viewerIn(associationId), viewerIn(associationId), viewerIn(associationId)];
      await signUp(a, event.id, 2);
      await signUp(b, event.id, 3);
      await signUp(c, event.id, 1);
      expect((await changeSignup(b, event.id, 4)).signup).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
      expect((await changeSignup(b, event.id, 1)).signup).toMatchObject({ status: 'confirmed', waitlistPosition: null });
      const ctx = bed.contextFor(c);
      expect(await ctx.events.viewerSignup(c, ctx.loaders, event)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    });

    it('refuses without a sign-up, a missing field, growth past the deadline (a shrink is taken), a cancelled event, and a party larger than allowed', async () => {
      const resident = viewerIn(associationId);
      const event = await arrange(board, { maxGuestsPerSignup: 1 });
      await expect(changeSignup(resident, event.id, 1)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND', reason: 'NOT_SIGNED_UP' } });
      await signUp(resident, event.id);
      await expect(changeSignup(resident, event.id, 1, 1)).resolves.toMatchObject({ signup: { children: 1 } });
      await expect(changeSignup(resident, event.id, 2, 1)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'children' } });
      // A field left out is refused, not reset to a default (it used to give up the child's seat).
      await expect(
        bed.contextFor(resident).events.changeSignup(resident, bed.contextFor(resident).loaders, { eventId: event.id, children: 0 }),
      ).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'adults' },
      });
      const late = new EventsService(bed.subgraph.eventsRepository, () => inDays(11));
      const lateLoaders = bed.contextFor(resident).loaders;
      expect(await late.canChangeSignup(resident, lateLoaders, event)).toBe(true);
      await expect(late.changeSignup(resident, lateLoaders, { eventId: event.id, adults: 2, children: 1 })).rejects.toMatchObject({
        extensions: { code: 'CONFLICT', reason: 'SIGNUP_CLOSED' },
      });
      // Past the deadline a party may still shrink, as it may still cancel.
      await expect(late.changeSignup(resident, lateLoaders, { eventId: event.id, adults: 1, children: 0 })).resolves.toMatchObject({
        signup: { adults: 1, children: 0 },
      });
      expect(await late.canChangeSignup(resident, bed.contextFor(resident).loaders, event)).toBe(false);
      await bed.contextFor(board).events.cancelEvent(board, bed.contextFor(board).loaders, { eventId: event.id, reason: 'Regnvær' });
      await expect(changeSignup(resident, event.id, 1)).rejects.toMatchObject({ extensions: { code: 'CONFLICT', reason: 'EVENT_CANCELLED' } });
      await expect(changeSignup(viewerIn(randomUUID()), event.id, 1)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    });

    it('never overbooks: 10 parties growing at once into 5 free seats, with others signing up, stay within the capacity', async () => {
      const event = await arrange(board, { capacity: 15, maxGuestsPerSignup: 1 });
      const members = Array.from({ length: 10 }, () => viewerIn(associationId));
      for (const m of members) await signUp(m, event.id);
      const newcomers = Array.from({ length: 3 }, () => viewerIn(associationId));
      const outcomes = await Promise.allSettled([...members.map((m) => changeSignup(m, event.id, 2)), ...newcomers.map((m) => signUp(m, event.id))]);
      const refused = outcomes.filter((o) => o.status === 'rejected');
      for (const o of refused) expect(o.reason).toMatchObject({ extensions: { reason: 'EVENT_FULL' } });
      const ctx = bed.contextFor(board);
      const stored = (await ctx.events.signupsVisibleTo(board, ctx.loaders, event)).filter((s) => s.status === 'confirmed');
      const seats = stored.reduce((sum, s) => sum + s.adults + s.children, 0);
      expect(seats).toBeLessThanOrEqual(15);
      // Every seat a refusal left free went to a newcomer, and no party grew past one that waits.
      const grown = outcomes.slice(0, 10).filter((o) => o.status === 'fulfilled').length;
      const seated = stored.filter((s) => newcomers.some((n) => n.memberId === s.memberId)).length;
      expect(grown + seated).toBe(5);
      expect(seats).toBe(15);
    });
  });

  it('shows the board every sign-up and others only their own', async () => {
    const event = await arrange(board);
    const [a, b] = [viewerIn(associationId), viewerIn(associationId)];
    await signUp(a, event.id);
    await signUp(b, event.id);
    const asA = bed.contextFor(a);
    expect((await asA.events.signupsVisibleTo(a, asA.loaders, event)).map((s) => s.memberId)).toEqual([a.memberId]);
    expect((await asA.events.viewerSignup(a, asA.loaders, event))?.memberId).toBe(a.memberId);
    const asBoard = bed.contextFor(board);
    expect(await asBoard.events.signupsVisibleTo(board, asBoard.loaders, event)).toHaveLength(2);
    expect(await asBoard.events.viewerSignup(board, asBoard.loaders, event)).toBeNull();
  });

  describe('tenancy', () => {
    it('another association neither sees the event nor signs up for it', async () => {
      const event = await arrange(board);
      const outsider = viewerIn(randomUUID(), 'board');
      const ctx = bed.contextFor(outsider);
      await expect(ctx.events.event(outsider, ctx.loaders, event.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      expect((await ctx.events.listEvents(outsider, inDays(-1), 100, null)).nodes).toEqual([]);
      await expect(signUp(outsider, event.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      await expect(ctx.events.cancelEvent(outsider, ctx.loaders, { eventId: event.id, reason: 'x' })).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
      expect(await bed.subgraph.eventsRepository.findSignups(outsider.associationId, [event.id])).toEqual([]);
    });

    it('a malformed event id is NOT_FOUND, not a database error', async () => {
      const ctx = bed.contextFor(board);
      await expect(ctx.events.event(board, ctx.loaders, 'nope')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      await expect(signUp(board, 'nope')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    });
  });

  it('never overbooks: 30 concurrent sign-ups for 5 seats confirm exactly 5 and queue 25 in order', async () => {
    const event = await arrange(board, { capacity: 5 });
    const members = Array.from({ length: 30 }, () => viewerIn(associationId));
    const results = await Promise.all(members.map((m) => signUp(m, event.id)));
    const confirmed = results.filter((r) => r.signup.status === 'confirmed');
    const waitlisted = results.filter((r) => r.signup.status === 'waitlisted');
    expect(confirmed).toHaveLength(5);
    expect(waitlisted.map((r) => r.signup.waitlistPosition).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));

    const ctx = bed.contextFor(board);
    const stored = await ctx.events.signupsVisibleTo(board, ctx.loaders, event);
    expect(stored.filter((s) => s.status === 'confirmed')).toHaveLength(5);
    expect(stored.filter((s) => s.status === 'waitlisted').map((s) => s.waitlistPosition)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });
});
