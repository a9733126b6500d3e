import { randomBytes, randomUUID } from 'node:crypto';
import type { Event, MemberViewer, Viewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import * as fixtures from '../lifecycle/lifecycle.fixtures';
import { CalendarRepository } from './calendar.repository';
import { CalendarService } from './calendar.service';
import { bookingsCalendarFeedsOf } from './calendar.tokens';
import { createReservationsSubgraph, type ReservationsSubgraph } from '../subgraph';
import { openReservationsTestBed, viewerIn, type ReservationsTestBed } from '../reservations.fixtures';

let bed: ReservationsTestBed;

beforeAll(async () => {
  bed = await openReservationsTestBed();
});

afterAll(() => bed.close());

const HOUR = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR);
const ORIGIN = 'https://tunet.test';

const myFeedOf = (viewer: Viewer | null) => bed.subgraph.calendar.myBookingsCalendar(viewer, ORIGIN);
const resourceFeedOf = (viewer: Viewer | null, resourceId: string) => bed.subgraph.calendar.resourceCalendar(viewer, resourceId, ORIGIN);
const reset = (viewer: Viewer | null, resourceId?: string | null) => bed.subgraph.calendar.resetBookingsCalendar(viewer, { resourceId }, ORIGIN);

/** Opens a feed URL as the gateway forwards it: the route gets the path after `/bookings-calendar`. */
async function open(url: string, through: ReservationsSubgraph = bed.subgraph): Promise<{ status: number; body: string; contentType?: string }> {
  const route = through.definition.publicRoutes!['bookings-calendar']!;
  const path = new URL(url).pathname.replace(/^\/bookings-calendar/, '');
  try {
    const answer = await route({ path, query: {}, context: { viewer: null, requestId: 'test', clientIp: '127.0.0.1' } });
    return { status: answer.status ?? 200, body: String(answer.body), contentType: answer.contentType };
  } catch (error) {
    return { status: (error as { status?: number }).status ?? 500, body: String(error) };
  }
}

/** The content lines as a calendar app reads them: unfolded, split on CRLF. */
const linesOf = (body: string) => body.replace(/\r\n /g, '').split('\r\n');

const arrangeResource = (associationId: string, name: string, timeZone?: string) => fixtures.arrangeResource(bed.subgraph.db, associationId, name, timeZone);
const arrangeBooking = (booker: MemberViewer, resourceId: string, start: Date, end: Date, options: Parameters<typeof fixtures.arrangeBooking>[4] = {}) =>
  fixtures.arrangeBooking(bed.subgraph.db, booker, resourceId, { start, end }, options);

const oslo = (local: string) => DateTime.fromISO(local, { zone: 'Europe/Oslo' }).toJSDate();

/** The service as it would answer at an instant, on the same tables. */
const serviceAt = (at: string) =>
  new CalendarService(
    new CalendarRepository(bed.subgraph.db),
    bookingsCalendarFeedsOf(bed.subgraph.db, undefined, () => new Date(at)),
  );
const pathOf = (url: string) => new URL(url).pathname.replace(/^\/bookings-calendar/, '');

const memberEvent = (topic: string, associationId: string, payload: Record<string, unknown>): Event => ({
  eventId: randomUUID(),
  topic,
  associationId,
  occurredAt: new Date(),
  payload,
});

describe('bookings calendar feeds', () => {
  const associationId = randomUUID();

  it('creates the viewer’s feed on the first ask and shows the same URL after; each resource has its own', async () => {
    const resident = viewerIn(associationId);
    const first = await myFeedOf(resident);
    expect(first.url).toMatch(/^https:\/\/tunet\.test\/bookings-calendar\/[A-Za-z0-9_-]{64}\.ics$/);
    expect(first.createdAt).toBeInstanceOf(Date);
    expect(await myFeedOf(resident)).toEqual(first);
    expect((await myFeedOf(viewerIn(associationId))).url).not.toBe(first.url);

    const resource = await arrangeResource(associationId, 'Vaskeriet');
    const ofResource = await resourceFeedOf(resident, resource);
    expect(ofResource.url).not.toBe(first.url);
    expect(await resourceFeedOf(resident, resource)).toEqual(ofResource);
  });

  it('gives two first asks at once one feed', async () => {
    const resident = viewerIn(associationId);
    const [a, b] = await Promise.all([myFeedOf(resident), myFeedOf(resident)]);
    expect(a.url).toBe(b.url);
    expect((await open(a.url)).status).toBe(200);
  });

  it('shows the member their own live bookings with the resource’s name, not others’ nor cancelled ones', async () => {
    const [resident, neighbour] = [viewerIn(associationId), viewerIn(associationId)];
    const flat = await arrangeResource(associationId, 'Gjesteleiligheten');
    const room = await arrangeResource(associationId, 'Selskapslokalet');
    const own = await arrangeBooking(resident, flat, inHours(48), inHours(72), { comment: 'Besøk fra Bergen, med barn' });
    const pending = await arrangeBooking(resident, room, inHours(100), inHours(104), { status: 'pending' });
    const cancelled = await arrangeBooking(resident, room, inHours(10), inHours(12), { status: 'cancelled' });
    const theirs = await arrangeBooking(neighbour, room, inHours(20), inHours(22));

    const answer = await open((await myFeedOf(resident)).url);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/calendar; charset=utf-8');
    const lines = linesOf(answer.body);
    expect(lines.filter((l) => l.startsWith('SUMMARY:'))).toEqual(['SUMMARY:Gjesteleiligheten', 'SUMMARY:Selskapslokalet (venter på godkjenning)']);
    expect(lines).toEqual(expect.arrayContaining([`UID:${own}@tunet`, `UID:${pending}@tunet`, 'DESCRIPTION:Besøk fra Bergen\\, med barn']));
    expect(answer.body).not.toContain(cancelled);
    expect(answer.body).not.toContain(theirs);
  });

  it('shows a resource’s live bookings only as taken: no names, no comments, no other resource', async () => {
    const [resident, neighbour] = [viewerIn(associationId), viewerIn(associationId)];
    const room = await arrangeResource(associationId, 'Selskapslokalet');
    const sauna = await arrangeResource(associationId, 'Badstua');
    const a = await arrangeBooking(neighbour, room, inHours(30), inHours(34), { comment: 'Bursdag for Kari' });
    const b = await arrangeBooking(resident, room, inHours(50), inHours(52), { status: 'pending' });
    await arrangeBooking(neighbour, sauna, inHours(30), inHours(31));

    const lines = linesOf((await open((await resourceFeedOf(resident, room)).url)).body);
    expect(lines).toContain('X-WR-CALNAME:Selskapslokalet');
    expect(lines.filter((l) => l.startsWith('UID:'))).toEqual([`UID:${a}@tunet`, `UID:${b}@tunet`]);
    expect(lines.filter((l) => l.startsWith('SUMMARY:'))).toEqual(['SUMMARY:Opptatt', 'SUMMARY:Opptatt']);
    expect(lines.join('\n')).not.toMatch(/Kari|DESCRIPTION|Badstua/);
    expect(lines.join('\n')).not.toContain(neighbour.memberId);
  });

  it.each([
    ['when summer time starts', '2026-03-29', '20260329T050000Z', '20260329T080000Z'],
    ['when summer time ends', '2026-10-25', '20261025T060000Z', '20261025T090000Z'],
  ])('writes a booking 07:00–10:00 in Oslo on the day %s as the right UTC instants', async (_case, day, start, end) => {
    const resident = viewerIn(randomUUID());
    const laundry = await arrangeResource(resident.associationId, 'Vaskeriet');
    await arrangeBooking(resident, laundry, oslo(`${day}T07:00`), oslo(`${day}T10:00`));
    // The feed as it was that morning, while the booking still lay ahead.
    const then = serviceAt(`${day}T00:00:00Z`);
    const { url } = await then.myBookingsCalendar(resident, ORIGIN);
    const answer = await then.feed(pathOf(url));
    expect(linesOf(String(answer.body))).toEqual(expect.arrayContaining([`DTSTART:${start}`, `DTEND:${end}`]));
  });

  it('resetting gives a new URL and the old one stops working at once; the other feeds stay', async () => {
    const resident = viewerIn(associationId);
    const room = await arrangeResource(associationId, 'Selskapslokalet');
    const before = await myFeedOf(resident);
    const ofRoom = await resourceFeedOf(resident, room);
    const after = (await reset(resident)).url;
    expect(after).not.toBe(before.url);
    expect((await open(before.url)).status).toBe(404);
    expect((await open(after)).status).toBe(200);
    expect((await myFeedOf(resident)).url).toBe(after);
    expect((await open(ofRoom.url)).status).toBe(200);

    const roomAfter = (await reset(resident, room)).url;
    expect((await open(ofRoom.url)).status).toBe(404);
    expect((await open(roomAfter)).status).toBe(200);
    expect((await open(after)).status).toBe(200);
  });

  it.each([
    ['an unknown token', () => `${ORIGIN}/bookings-calendar/${randomBytes(48).toString('base64url')}.ics`],
    ['a malformed token', () => `${ORIGIN}/bookings-calendar/nope.ics`],
    ['no .ics', () => `${ORIGIN}/bookings-calendar/`],
  ])('answers 404 for %s', async (_case, url) => {
    expect((await open(url())).status).toBe(404);
  });

  it('a token moved to another association opens nothing there', async () => {
    const { url } = await myFeedOf(viewerIn(associationId));
    const token = Buffer.from(/([^/]+)\.ics$/.exec(url)![1]!, 'base64url');
    Buffer.from(randomUUID().replace(/-/g, ''), 'hex').copy(token);
    expect((await open(`${ORIGIN}/bookings-calendar/${token.toString('base64url')}.ics`)).status).toBe(404);
  });

  it('another association’s resource is NOT_FOUND, for its feed and its reset', async () => {
    const elsewhere = await arrangeResource(randomUUID(), 'Naboens badstue');
    const resident = viewerIn(associationId);
    await expect(resourceFeedOf(resident, elsewhere)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(reset(resident, elsewhere)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(resourceFeedOf(resident, randomUUID())).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });

  it('the database keeps only a hash of the token', async () => {
    const { url } = await myFeedOf(viewerIn(associationId));
    const token = /([^/]+)\.ics$/.exec(url)![1]!;
    const rows = await bed.subgraph.db.system((tx) => tx.execute(sql`select * from reservations.calendar_feeds`));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('under a rotated key, the next ask gives a URL that works', async () => {
    const resident = viewerIn(associationId);
    const old = await myFeedOf(resident);
    const rotated = await createReservationsSubgraph({
      database: bed.database.connection,
      store: { kind: 'memory', namespace: 'bookings-calendar-test' },
      internalSecret: 'the next secret',
    });
    const context = rotated.definition.createContext({ viewer: resident, requestId: 'test', clientIp: '127.0.0.1', publicOrigin: ORIGIN });
    const renewed = await context.calendar.myBookingsCalendar(resident, ORIGIN);
    expect(renewed.url).not.toBe(old.url);
    expect((await open(renewed.url, rotated)).status).toBe(200);
    expect((await open(old.url, rotated)).status).toBe(404);
  });

  it('only members have feeds: anonymous is UNAUTHENTICATED, an integration key FORBIDDEN', async () => {
    await expect(myFeedOf(null)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    const integration: Viewer = { ...viewerIn(associationId), memberId: null, role: null, scope: undefined };
    await expect(myFeedOf(integration)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(reset(integration)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect((await myFeedOf(viewerIn(associationId, 'external'))).url).toMatch(/\.ics$/);
  });

  describe('members who leave', () => {
    it('a suspension ends all the member’s feeds at once; a new ask after reinstatement works', async () => {
      const resident = viewerIn(associationId);
      const room = await arrangeResource(associationId, 'Selskapslokalet');
      const own = await myFeedOf(resident);
      const ofRoom = await resourceFeedOf(resident, room);
      const suspended = memberEvent('member.suspended', associationId, { memberId: resident.memberId, reason: 'x', until: null });
      await bed.subgraph.calendar.revoke(suspended);
      expect((await open(own.url)).status).toBe(404);
      expect((await open(ofRoom.url)).status).toBe(404);

      const renewed = await myFeedOf(resident);
      expect(renewed.url).not.toBe(own.url);
      expect((await open(renewed.url)).status).toBe(200);
      // The stream delivers at least once: the same suspension again must not end the new feed.
      await bed.subgraph.calendar.revoke(suspended);
      expect((await open(renewed.url)).status).toBe(200);
    });

    it('a feed asked for after a move-out was announced still ends with the move-out', async () => {
      const resident = viewerIn(associationId);
      const room = await arrangeResource(associationId, 'Badstua');
      await bed.subgraph.calendar.revoke(memberEvent('member.moved_out', associationId, { memberId: resident.memberId, moveOut: '2030-06-30' }));
      const own = await serviceAt('2030-06-01T12:00:00Z').myBookingsCalendar(resident, ORIGIN);
      const ofRoom = await serviceAt('2030-06-01T12:00:00Z').resourceCalendar(resident, room, ORIGIN);
      for (const { url } of [own, ofRoom]) {
        await expect(serviceAt('2030-06-30T21:59:00Z').feed(pathOf(url))).resolves.toMatchObject({ contentType: 'text/calendar; charset=utf-8' });
        await expect(serviceAt('2030-06-30T22:00:00Z').feed(pathOf(url))).rejects.toMatchObject({ status: 404 });
      }
    });
  });

  describe('in an association whose resources are in another time zone', () => {
    const helsinki = randomUUID();

    it('names that zone in the member’s own feed', async () => {
      const resident = viewerIn(helsinki);
      await arrangeResource(helsinki, 'Sauna', 'Europe/Helsinki');
      const lines = linesOf((await open((await myFeedOf(resident)).url)).body);
      expect(lines).toContain('X-WR-TIMEZONE:Europe/Helsinki');
    });

    it('ends a feed when the move-out day is over there', async () => {
      const resident = viewerIn(helsinki);
      await bed.subgraph.calendar.revoke(memberEvent('member.moved_out', helsinki, { memberId: resident.memberId, moveOut: '2030-06-30' }));
      const { url } = await serviceAt('2030-06-01T12:00:00Z').myBookingsCalendar(resident, ORIGIN);
      await expect(serviceAt('2030-06-30T20:59:00Z').feed(pathOf(url))).resolves.toMatchObject({ contentType: 'text/calendar; charset=utf-8' });
      await expect(serviceAt('2030-06-30T21:00:00Z').feed(pathOf(url))).rejects.toMatchObject({ status: 404 });
    });
  });
});
