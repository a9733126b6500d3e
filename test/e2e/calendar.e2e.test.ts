import { DEMO } from '@tunet/members';
import { DEMO_RESOURCES } from '@tunet/reservations';
import { accessTokens, codes, openE2E, type E2E } from './e2e.fixtures';

type Feed = { url: string; createdAt: string };

describe('calendar feeds through the gateway', () => {
  let e2e: E2E;
  let kari: string;
  let ola: string;
  let eva: string;

  beforeAll(async () => {
    e2e = await openE2E();
    ({ kari, ola, eva } = await accessTokens(e2e, {
      kari: 'kari@solbakken.example',
      ola: 'ola@solbakken.example',
      eva: 'eva@fjordly.example',
    }));
  });
  afterAll(() => e2e.close());

  const feedOf = async (token: string): Promise<Feed> => {
    const result = await e2e.gql<{ calendarFeed: Feed }>('{ calendarFeed { url createdAt } }', {}, token);
    expect(result.errors).toBeUndefined();
    return result.data!.calendarFeed;
  };

  const arrange = async (token: string, title: string) => {
    const startsAt = new Date(Date.now() + 5 * 86_400_000);
    const created = await e2e.gql<{ createEvent: { event: { id: string } } }>(
      'mutation ($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }',
      { i: { title, place: 'Fellesrommet', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 7_200_000).toISOString() } },
      token,
    );
    expect(created.errors).toBeUndefined();
    return created.data!.createEvent.event.id;
  };

  /** As a calendar app fetches it: a plain GET with no credentials. */
  const fetchFeed = (url: string) => fetch(url);

  it('serves the association’s events to a plain GET of the feed URL, and never another association’s', async () => {
    const eventId = await arrange(kari, 'Sommerfest i gården');
    await arrange(eva, 'Årsmøte i Fjordly');
    const feed = await feedOf(ola);
    expect(feed.url.startsWith(`${new URL(e2e.stack.gatewayUrl).origin}/calendar/`)).toBe(true);
    expect(await feedOf(ola)).toEqual(feed);

    const response = await fetchFeed(feed.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const body = await response.text();
    expect(body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    const lines = body.replace(/\r\n /g, '').split('\r\n');
    expect(lines).toContain('SUMMARY:Sommerfest i gården');
    expect(lines).toContain(`UID:${eventId}@tunet`);
    expect(body).not.toContain('Fjordly');

    const fjordly = await (await fetchFeed((await feedOf(eva)).url)).text();
    expect(fjordly).toContain('SUMMARY:Årsmøte i Fjordly');
    expect(fjordly).not.toContain('Sommerfest');
  });

  it('after a reset the old URL answers 404 and the new one works', async () => {
    const before = await feedOf(kari);
    const reset = await e2e.gql<{ resetCalendarFeed: { feed: Feed } }>('mutation { resetCalendarFeed { feed { url createdAt } } }', {}, kari);
    expect(reset.errors).toBeUndefined();
    const after = reset.data!.resetCalendarFeed.feed;
    expect(after.url).not.toBe(before.url);
    expect((await fetchFeed(before.url)).status).toBe(404);
    expect((await fetchFeed(after.url)).status).toBe(200);
  });

  it('needs a login to get a feed URL; a made-up URL is 404', async () => {
    expect(codes(await e2e.gql('{ calendarFeed { url } }'))).toEqual(['UNAUTHENTICATED']);
    const origin = new URL(e2e.stack.gatewayUrl).origin;
    expect((await fetchFeed(`${origin}/calendar/${'A'.repeat(64)}.ics`)).status).toBe(404);
  });

  it('stops the feeds of a member the board suspends: events, own bookings and a resource’s bookings', async () => {
    const aase = (await e2e.login('aase@solbakken.example')).accessToken;
    const bookingsFeed = async (query: string, variables: Record<string, unknown> = {}) => {
      const result = await e2e.gql<Record<string, Feed>>(query, variables, aase);
      expect(result.errors).toBeUndefined();
      return Object.values(result.data!)[0]!.url;
    };
    const urls = [
      (await feedOf(aase)).url,
      await bookingsFeed('{ myBookingsCalendar { url } }'),
      await bookingsFeed('query ($r: ID!) { resourceCalendar(resourceId: $r) { url } }', { r: DEMO_RESOURCES.laundry }),
    ];
    for (const url of urls) expect((await fetchFeed(url)).status).toBe(200);
    const suspended = await e2e.gql(
      'mutation ($i: SuspendMemberInput!) { suspendMember(input: $i) { member { id } } }',
      { i: { memberId: DEMO.aase, reason: 'Brudd på husordensreglene' } },
      kari,
    );
    expect(suspended.errors).toBeUndefined();
    // The suspension travels through members' outbox, the event stream and posts' and reservations' consumers.
    const deadline = Date.now() + 15_000;
    const open = async () => (await Promise.all(urls.map(async (url) => (await fetchFeed(url)).status))).filter((status) => status === 200);
    while ((await open()).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const url of urls) expect((await fetchFeed(url)).status).toBe(404);
  });
});
