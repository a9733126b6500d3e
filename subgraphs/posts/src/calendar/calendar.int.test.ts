import { randomBytes, randomUUID } from 'node:crypto';
import { openEventStream, type Event, type MemberViewer, type Viewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { contextOf, EVERY_REFERENCE_EXISTS, integratorOf, openPostsTestBed, viewerIn, type PostsTestBed } from '../posts.fixtures';
import { createPostsSubgraph, type PostsSubgraph } from '../subgraph';
import { CalendarRepository } from './calendar.repository';
import { calendarRevocations } from './calendar.revocations';
import { CalendarService } from './calendar.service';
import { calendarFeedsOf } from './calendar.tokens';

let bed: PostsTestBed;

beforeAll(async () => {
  bed = await openPostsTestBed({ internalSecret: 'calendar-test-secret' });
});

afterAll(() => bed.close());

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY);

const feedOf = (viewer: Viewer | null) => bed.contextFor(viewer).calendar.calendarFeed(viewer, 'https://tunet.test');
const resetFeedOf = (viewer: Viewer | null) => bed.contextFor(viewer).calendar.resetCalendarFeed(viewer, 'https://tunet.test');

/** Opens a feed URL as the gateway forwards it: the route gets the path after `/calendar`. */
async function open(url: string, through: PostsSubgraph = bed.subgraph): Promise<{ status: number; body: string; contentType?: string }> {
  const route = through.definition.publicRoutes!.calendar!;
  const path = new URL(url).pathname.replace(/^\/calendar/, '');
  try {
    const answer = await route({ path, query: {}, context: { viewer: null, requestId: 'test', clientIp: '127.0.0.1' } });
    return { status: answer.status ?? 200, body: String(answer.body), contentType: answer.contentType };
  } catch (error) {
    return { status: (error as { status?: number }).status ?? 500, body: String(error) };
  }
}

async function arrange(board: MemberViewer, title: string, startsInDays: number, hours = 2) {
  const startsAt = inDays(startsInDays);
  return bed.contextFor(board).events.createEvent(board, {
    title,
    place: 'Fellesrommet',
    startsAt,
    endsAt: new Date(startsAt.getTime() + hours * 3_600_000),
  });
}

const memberEvent = (topic: string, associationId: string, payload: Record<string, unknown>, occurredAt = new Date()): Event => ({
  eventId: randomUUID(),
  topic,
  associationId,
  occurredAt,
  payload,
});

describe('calendar feeds', () => {
  const associationId = randomUUID();

  it('creates the viewer’s feed on the first ask and shows the same URL after', async () => {
    const resident = viewerIn(associationId);
    const first = await feedOf(resident);
    expect(first.url).toMatch(/^https:\/\/tunet\.test\/calendar\/[A-Za-z0-9_-]{64}\.ics$/);
    expect(first.createdAt).toBeInstanceOf(Date);
    expect(await feedOf(resident)).toEqual(first);
    expect((await feedOf(viewerIn(associationId))).url).not.toBe(first.url);
  });

  it('gives two first asks at once one feed', async () => {
    const resident = viewerIn(associationId);
    const [a, b] = await Promise.all([feedOf(resident), feedOf(resident)]);
    expect(a.url).toBe(b.url);
    expect((await open(a.url)).status).toBe(200);
  });

  it('serves the association’s events from 90 days back as iCalendar, cancelled ones marked, others’ never', async () => {
    const own = viewerIn(randomUUID(), 'board');
    await arrange(own, 'Long ago', -100);
    await arrange(own, 'Last month', -30);
    const cancelled = await arrange(own, 'Rained off', 3);
    await bed.contextFor(own).events.cancelEvent(own, bed.contextFor(own).loaders, { eventId: cancelled.id, reason: 'Regn' });
    const upcoming = await arrange(own, 'Sommerfest, med grill', 10);
    await arrange(viewerIn(randomUUID(), 'board'), 'Another association', 5);

    const answer = await open((await feedOf(own)).url);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/calendar; charset=utf-8');
    const lines = answer.body.replace(/\r\n /g, '').split('\r\n');
    expect(lines.filter((l) => l.startsWith('SUMMARY:'))).toEqual(['SUMMARY:Last month', 'SUMMARY:Rained off', 'SUMMARY:Sommerfest\\, med grill']);
    expect(lines).toContain(`UID:${upcoming.id}@tunet`);
    expect(lines).toContain('STATUS:CANCELLED');
    expect(lines).toContain('DESCRIPTION:Cancelled: Regn');
    expect(lines).toContain('LOCATION:Fellesrommet');
    expect(answer.body).not.toContain('Another association');
  });

  it('resetting gives a new URL and the old one stops working at once', async () => {
    const resident = viewerIn(associationId);
    const before = await feedOf(resident);
    const after = await resetFeedOf(resident);
    expect(after.url).not.toBe(before.url);
    expect(after.createdAt.getTime()).toBeGreaterThanOrEqual(before.createdAt.getTime());
    expect((await open(before.url)).status).toBe(404);
    expect((await open(after.url)).status).toBe(200);
    expect(await feedOf(resident)).toEqual(after);
  });

  it.each([
    ['an unknown token', () => `https://tunet.test/calendar/${randomBytes(48).toString('base64url')}.ics`],
    ['a malformed token', () => 'https://tunet.test/calendar/nope.ics'],
    ['no .ics', () => 'https://tunet.test/calendar/'],
  ])('answers 404 for %s', async (_case, url) => {
    expect((await open(url())).status).toBe(404);
  });

  it('a token moved to another association opens nothing there', async () => {
    const { url } = await feedOf(viewerIn(associationId));
    const token = Buffer.from(/([^/]+)\.ics$/.exec(url)![1]!, 'base64url');
    Buffer.from(randomUUID().replace(/-/g, ''), 'hex').copy(token);
    expect((await open(`https://tunet.test/calendar/${token.toString('base64url')}.ics`)).status).toBe(404);
  });

  it('the database keeps only a hash of the token', async () => {
    const resident = viewerIn(associationId);
    const { url } = await feedOf(resident);
    const token = /([^/]+)\.ics$/.exec(url)![1]!;
    const rows = await bed.db.system((tx) => tx.execute(sql`select * from posts.calendar_feeds`));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('under a rotated key, the next ask gives a URL that works', async () => {
    const resident = viewerIn(associationId);
    const old = await feedOf(resident);
    const rotated = await createPostsSubgraph({
      database: bed.connection,
      store: { kind: 'memory', namespace: 'calendar-test' },
      internalSecret: 'the next secret',
      memberReferences: EVERY_REFERENCE_EXISTS,
    });
    const renewed = await contextOf(rotated, resident).calendar.calendarFeed(resident, 'https://tunet.test');
    expect(renewed.url).not.toBe(old.url);
    expect((await open(renewed.url, rotated)).status).toBe(200);
    expect((await open(old.url, rotated)).status).toBe(404);
  });

  it('only members have feeds: anonymous is UNAUTHENTICATED, an integration key FORBIDDEN', async () => {
    await expect(feedOf(null)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    const integration = integratorOf(associationId);
    await expect(feedOf(integration)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(resetFeedOf(integration)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect((await feedOf(viewerIn(associationId, 'external'))).url).toMatch(/\.ics$/);
  });

  describe('members who leave', () => {
    it('a suspension stops the feed at once; after reinstatement a new ask gives a working URL', async () => {
      const resident = viewerIn(associationId);
      const { url } = await feedOf(resident);
      const suspended = memberEvent('member.suspended', associationId, { memberId: resident.memberId, reason: 'x', until: null });
      await bed.subgraph.calendar.revoke(suspended);
      expect((await open(url)).status).toBe(404);

      const renewed = await feedOf(resident);
      expect(renewed.url).not.toBe(url);
      expect((await open(renewed.url)).status).toBe(200);
      // The stream delivers at least once: the same suspension again must not end the new feed.
      await bed.subgraph.calendar.revoke(suspended);
      expect((await open(renewed.url)).status).toBe(200);
    });

    it('a move-out stops the feed once the move-out day is over, not before', async () => {
      const resident = viewerIn(associationId);
      const { url } = await feedOf(resident);
      const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());
      await bed.subgraph.calendar.revoke(memberEvent('member.moved_out', associationId, { memberId: resident.memberId, moveOut: today }));
      expect((await open(url)).status).toBe(200);
      await bed.subgraph.calendar.revoke(memberEvent('member.moved_out', associationId, { memberId: resident.memberId, moveOut: '2020-01-31' }));
      expect((await open(url)).status).toBe(404);
    });

    it('a feed asked for after a move-out was announced still ends with the move-out', async () => {
      const resident = viewerIn(associationId);
      await bed.subgraph.calendar.revoke(memberEvent('member.moved_out', associationId, { memberId: resident.memberId, moveOut: '2030-06-30' }));
      const later = (at: string) =>
        new CalendarService(
          new CalendarRepository(bed.db),
          calendarFeedsOf(bed.db, undefined, () => new Date(at)),
        );
      const { url } = await later('2030-06-01T12:00:00Z').calendarFeed(resident, 'https://tunet.test');
      const feedPath = new URL(url).pathname.replace(/^\/calendar/, '');
      await expect(later('2030-06-30T21:59:00Z').feed(feedPath)).resolves.toMatchObject({ contentType: 'text/calendar; charset=utf-8' });
      await expect(later('2030-06-30T22:00:00Z').feed(feedPath)).rejects.toMatchObject({ status: 404 });
    });

    it('another association’s event about the same member id changes nothing', async () => {
      const resident = viewerIn(associationId);
      const { url } = await feedOf(resident);
      await bed.subgraph.calendar.revoke(memberEvent('member.suspended', randomUUID(), { memberId: resident.memberId, reason: 'x', until: null }));
      expect((await open(url)).status).toBe(200);
    });

    it('hears of suspensions through the event stream', async () => {
      const resident = viewerIn(associationId);
      const { url } = await feedOf(resident);
      const stream = openEventStream({ kind: 'memory', namespace: `calendar-stream-${randomUUID()}` });
      const job = calendarRevocations(stream, bed.db, bed.subgraph.calendar, { consumer: 'test', blockMs: 20 });
      job.start();
      try {
        // The group exists once the consumer has joined; events appended before that would start past it.
        await new Promise((resolve) => setTimeout(resolve, 100));
        await stream.append([
          memberEvent('member.invited', associationId, { memberId: resident.memberId }),
          memberEvent('member.suspended', associationId, { memberId: resident.memberId, reason: 'x', until: null }),
        ]);
        const deadline = Date.now() + 5_000;
        while ((await open(url)).status === 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        expect((await open(url)).status).toBe(404);
      } finally {
        await job.stop();
      }
    });
  });

  it('leaves other members’ feeds alone', async () => {
    const [a, b] = [viewerIn(associationId), viewerIn(associationId)];
    const feedB = await feedOf(b);
    await feedOf(a);
    await resetFeedOf(a);
    await bed.subgraph.calendar.revoke(memberEvent('member.suspended', associationId, { memberId: a.memberId, reason: 'x', until: null }));
    expect((await open(feedB.url)).status).toBe(200);
  });
});
