import { randomBytes, randomUUID } from 'node:crypto';
import { CalendarFeeds, type FeedContents, type OpenedFeed } from './calendar-feeds';
import type { SubgraphDatabase } from './database';
import type { Event } from './events/outbox';
import { migrateCalendarFeedsSchema, openTestDatabase, viewerIn, type TestDatabase } from './kit.fixtures';

let database: TestDatabase;
let db: SubgraphDatabase;
const key = randomBytes(32);
const ORIGIN = 'https://tunet.test';

beforeAll(async () => {
  database = await openTestDatabase();
  db = await migrateCalendarFeedsSchema(database.connection, 'feedtest');
});

afterAll(() => database.drop());

/** The lifecycle as it answers at `at` (default: now). */
const feedsAt = (at?: string, withKey = key) => new CalendarFeeds(db, { key: withKey, route: 'feeds', now: at ? () => new Date(at) : undefined });

/** A feed showing whose and what it is, so a test sees which feed a URL opened. */
const showWhose: FeedContents = async (feed: OpenedFeed) => ({
  name: `${feed.memberId}/${feed.about || 'own'}`,
  timeZone: 'Europe/Oslo',
  events: [],
});

/** What the public route answers for a URL: the feed's name, or the status it refused with. */
async function open(url: string, at?: string, contents: FeedContents = showWhose): Promise<string | number> {
  const path = new URL(url).pathname.replace(/^\/feeds/, '');
  try {
    const answer = await feedsAt(at).serve(path, contents);
    return /X-WR-CALNAME:(.*)\r\n/.exec(String(answer.body).replace(/\r\n /g, ''))![1]!;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

const memberEvent = (topic: string, associationId: string, payload: Record<string, unknown>, occurredAt = new Date()): Event => ({
  eventId: randomUUID(),
  topic,
  associationId,
  occurredAt,
  payload,
});

describe('the calendar feed lifecycle', () => {
  const associationId = randomUUID();

  it('gives each member and `about` one URL, shown again on every ask, opening that feed', async () => {
    const member = viewerIn(associationId);
    const own = await feedsAt().show(member, '', ORIGIN);
    expect(own.url).toMatch(/^https:\/\/tunet\.test\/feeds\/[A-Za-z0-9_-]{64}\.ics$/);
    expect(await feedsAt().show(member, '', ORIGIN)).toEqual(own);
    const resource = randomUUID();
    const ofResource = await feedsAt().show(member, resource, ORIGIN);
    expect(ofResource.url).not.toBe(own.url);
    expect(await open(own.url)).toBe(`${member.memberId}/own`);
    expect(await open(ofResource.url)).toBe(`${member.memberId}/${resource}`);
  });

  it('a reset ends only the feed reset', async () => {
    const member = viewerIn(associationId);
    const own = await feedsAt().show(member, '', ORIGIN);
    const ofResource = await feedsAt().show(member, 'r', ORIGIN);
    const renewed = await feedsAt().reset(member, '', ORIGIN);
    expect(await open(own.url)).toBe(404);
    expect(await open(renewed.url)).toBe(`${member.memberId}/own`);
    expect(await open(ofResource.url)).toBe(`${member.memberId}/r`);
  });

  it('answers 404 when what a feed was about is gone, and for a token moved to another association', async () => {
    const member = viewerIn(associationId);
    const { url } = await feedsAt().show(member, 'gone', ORIGIN);
    expect(await open(url, undefined, async () => null)).toBe(404);
    const token = Buffer.from(/([^/]+)\.ics$/.exec(url)![1]!, 'base64url');
    Buffer.from(randomUUID().replace(/-/g, ''), 'hex').copy(token);
    expect(await open(`${ORIGIN}/feeds/${token.toString('base64url')}.ics`)).toBe(404);
  });

  it('under another key, the next ask gives a URL that works', async () => {
    const member = viewerIn(associationId);
    const old = await feedsAt().show(member, '', ORIGIN);
    const renewed = await feedsAt(undefined, randomBytes(32)).show(member, '', ORIGIN);
    expect(renewed.url).not.toBe(old.url);
    expect(await open(old.url)).toBe(404);
  });

  it('a suspension ends every feed of the member at once, and not a feed issued after it', async () => {
    const [member, neighbour] = [viewerIn(associationId), viewerIn(associationId)];
    const urls = [(await feedsAt().show(member, '', ORIGIN)).url, (await feedsAt().show(member, 'r', ORIGIN)).url];
    const theirs = (await feedsAt().show(neighbour, '', ORIGIN)).url;
    const suspended = memberEvent('member.suspended', associationId, { memberId: member.memberId, reason: 'x', until: null });
    await feedsAt().revokeFor(suspended, 'Europe/Oslo');
    for (const url of urls) expect(await open(url)).toBe(404);
    expect(await open(theirs)).toBe(`${neighbour.memberId}/own`);

    const renewed = (await feedsAt().show(member, '', ORIGIN)).url;
    expect(await open(renewed)).toBe(`${member.memberId}/own`);
    await feedsAt().revokeFor(suspended, 'Europe/Oslo');
    expect(await open(renewed)).toBe(`${member.memberId}/own`);
  });

  it('a move-out ends every feed, asked for before or after it was announced, when the day is over in the zone', async () => {
    const member = viewerIn(associationId);
    const before = (await feedsAt('2030-05-01T12:00:00Z').show(member, '', ORIGIN)).url;
    const movedOut = memberEvent('member.moved_out', associationId, { memberId: member.memberId, moveOut: '2030-06-30' }, new Date('2030-05-02T12:00:00Z'));
    await feedsAt().revokeFor(movedOut, 'Europe/Helsinki');
    const after = (await feedsAt('2030-06-01T12:00:00Z').show(member, 'r', ORIGIN)).url;
    for (const url of [before, after]) {
      expect(await open(url, '2030-06-30T20:59:00Z')).not.toBe(404);
      expect(await open(url, '2030-06-30T21:00:00Z')).toBe(404);
    }
  });

  it("a move-out that names the association's zone ends the feeds when the day is over there, whatever the fallback", async () => {
    const member = viewerIn(associationId);
    const { url } = await feedsAt('2030-05-01T12:00:00Z').show(member, '', ORIGIN);
    const payload = { memberId: member.memberId, moveOut: '2030-06-30', timeZone: 'America/New_York' };
    await feedsAt().revokeFor(memberEvent('member.moved_out', associationId, payload, new Date('2030-05-02T12:00:00Z')), 'Europe/Oslo');
    expect(await open(url, '2030-07-01T03:59:00Z')).not.toBe(404);
    expect(await open(url, '2030-07-01T04:00:00Z')).toBe(404);
  });

  it('leaves feeds alone for other topics and other associations', async () => {
    const member = viewerIn(associationId);
    const { url } = await feedsAt().show(member, '', ORIGIN);
    await feedsAt().revokeFor(memberEvent('member.invited', associationId, { memberId: member.memberId }), 'Europe/Oslo');
    await feedsAt().revokeFor(memberEvent('member.suspended', randomUUID(), { memberId: member.memberId, reason: 'x', until: null }), 'Europe/Oslo');
    expect(await open(url)).toBe(`${member.memberId}/own`);
  });
});
