import { randomUUID } from 'node:crypto';
import { DEMO } from '@tunet/members';
import { DEMO_RESOURCES } from '@tunet/reservations';
import { DateTime } from 'luxon';
import { accessTokens, codes, openE2E, type E2E } from './e2e.fixtures';

type Feed = { url: string; createdAt: string };

/** Demo bookings (subgraphs/reservations/src/reservations.demo.ts) are Ola's laundry and desk, Per's guest flat, Åse's party. */
describe('reservations through the gateway', () => {
  let e2e: E2E;
  let kari: string;
  let ola: string;
  let per: string;
  let eva: string;

  beforeAll(async () => {
    e2e = await openE2E();
    ({ kari, ola, per, eva } = await accessTokens(e2e, {
      kari: 'kari@solbakken.example',
      ola: 'ola@solbakken.example',
      per: 'per@solbakken.example',
      eva: 'eva@fjordly.example',
    }));
  });
  afterAll(() => e2e.close());

  /** A day a week ahead in Oslo and the instant of a wall-clock time on it. */
  const day = DateTime.now().setZone('Europe/Oslo').plus({ days: 7 }).startOf('day');
  const at = (time: string) => DateTime.fromISO(`${day.toISODate()}T${time}`, { zone: 'Europe/Oslo' }).toJSDate().toISOString();

  const freeLaundry = async (token: string) => {
    const result = await e2e.gql<{ availability: { free: { start: string; end: string }[] } }>(
      'query ($r: ID!, $d: Date!) { availability(resourceId: $r, from: $d, to: $d) { free { start end } } }',
      { r: DEMO_RESOURCES.laundry, d: day.toISODate() },
      token,
    );
    expect(result.errors).toBeUndefined();
    return result.data!.availability.free.map((free) => `${new Date(free.start).toISOString()}–${new Date(free.end).toISOString()}`);
  };

  const book = async (token: string, input: Record<string, unknown>) => {
    const result = await e2e.gql<{ createBooking: { booking: { id: string; status: string } } }>(
      'mutation ($i: CreateBookingInput!) { createBooking(input: $i) { booking { id status } } }',
      { i: { idempotencyKey: randomUUID(), ...input } },
      token,
    );
    expect(result.errors).toBeUndefined();
    return result.data!.createBooking.booking;
  };

  const feed = async (token: string, query: string, variables: Record<string, unknown> = {}): Promise<Feed> => {
    const result = await e2e.gql<Record<string, Feed>>(query, variables, token);
    expect(result.errors).toBeUndefined();
    return Object.values(result.data!)[0]!;
  };

  /** As a calendar app fetches it: a plain GET with no credentials, unfolded into content lines. */
  const fetchFeed = async (url: string) => {
    const response = await fetch(url);
    return { status: response.status, lines: (await response.text()).replace(/\r\n /g, '').split('\r\n') };
  };

  const statusOf = async (token: string, bookingId: string) =>
    (await e2e.gql<{ booking: { status: string } }>('query ($id: ID!) { booking(id: $id) { status } }', { id: bookingId }, token)).data?.booking.status;

  let laundryBooking: string;

  it('books a laundry slot, which then is no longer free', async () => {
    const slot = `${at('13:00')}–${at('16:00')}`;
    expect(await freeLaundry(per)).toContain(slot);
    const booking = await book(ola, { resourceId: DEMO_RESOURCES.laundry, start: at('13:00'), end: at('16:00') });
    expect(booking.status).toBe('CONFIRMED');
    laundryBooking = booking.id;
    expect(await freeLaundry(per)).not.toContain(slot);
  });

  it('shows the booking in the booker’s feed and, without a name, in the resource’s, fetched without a token', async () => {
    const own = await feed(ola, '{ myBookingsCalendar { url createdAt } }');
    expect(own.url.startsWith(`${new URL(e2e.stack.gatewayUrl).origin}/bookings-calendar/`)).toBe(true);
    const mine = await fetchFeed(own.url);
    expect(mine.status).toBe(200);
    expect(mine.lines).toEqual(expect.arrayContaining([`UID:${laundryBooking}@tunet`, 'SUMMARY:Vaskeriet']));

    const laundry = await fetchFeed(
      (await feed(per, 'query ($r: ID!) { resourceCalendar(resourceId: $r) { url createdAt } }', { r: DEMO_RESOURCES.laundry })).url,
    );
    expect(laundry.lines).toEqual(expect.arrayContaining([`UID:${laundryBooking}@tunet`, 'SUMMARY:Opptatt']));
    expect(laundry.lines.join('\n')).not.toMatch(/Ola|Hansen/);
  });

  it("hands the guest flat's charge to the property manager's system through an API key with CHARGES_READ", async () => {
    const checkIn = DateTime.now().setZone('Europe/Oslo').plus({ days: 40 }).startOf('day');
    const night = (d: DateTime, time: string) => DateTime.fromISO(`${d.toISODate()}T${time}`, { zone: 'Europe/Oslo' }).toJSDate().toISOString();
    const flat = await book(kari, {
      resourceId: DEMO_RESOURCES.guestFlat,
      start: night(checkIn, '15:00'),
      end: night(checkIn.plus({ days: 1 }), '12:00'),
      acceptRules: true,
    });
    const keyFor = async (scope: string) => {
      const created = await e2e.gql<{ createApiKey: { secret: string } }>(
        'mutation ($s: [ApiScope!]!) { createApiKey(input: { name: "Forretningsfører", scopes: $s }) { secret } }',
        { s: [scope] },
        kari,
      );
      expect(created.errors).toBeUndefined();
      return created.data!.createApiKey.secret;
    };
    const window = { f: new Date(Date.now() - 60_000).toISOString(), t: new Date(Date.now() + 60_000).toISOString() };
    const query = 'query ($f: DateTime!, $t: DateTime!) { charges(from: $f, to: $t, first: 100) { nodes { amount reason bookingId description } } }';
    const exported = await e2e.gql<{ charges: { nodes: { amount: number; reason: string; bookingId: string }[] } }>(
      query,
      window,
      await keyFor('CHARGES_READ'),
    );
    expect(exported.errors).toBeUndefined();
    const charge = exported.data!.charges.nodes.find((node) => node.bookingId === flat.id);
    expect(charge).toMatchObject({ reason: 'BOOKING', description: expect.stringContaining('Gjesteleiligheten') });
    expect(charge!.amount).toBeGreaterThan(0);
    expect(codes(await e2e.gql(query, window, await keyFor('MEMBERS_READ')))).toEqual(['FORBIDDEN']);
  });

  it('refuses a booking in year 2999 though the party room sets no horizon of its own', async () => {
    const result = await e2e.gql(
      'mutation ($i: CreateBookingInput!) { createBooking(input: $i) { booking { id } } }',
      { i: { idempotencyKey: randomUUID(), resourceId: DEMO_RESOURCES.partyRoom, start: '2999-06-01T16:00:00Z', end: '2999-06-01T20:00:00Z' } },
      ola,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'start' });
    expect(result.errors?.[0]?.message).toMatch(/at most 2 years ahead/);
  });

  it('another association never sees the booking, the resource, or its feed', async () => {
    expect(codes(await e2e.gql('query ($id: ID!) { booking(id: $id) { id } }', { id: laundryBooking }, eva))).toEqual(['NOT_FOUND']);
    expect(codes(await e2e.gql('query ($r: ID!) { resourceCalendar(resourceId: $r) { url } }', { r: DEMO_RESOURCES.laundry }, eva))).toEqual(['NOT_FOUND']);
    expect(
      codes(
        await e2e.gql(
          'query ($r: ID!, $d: Date!) { availability(resourceId: $r, from: $d, to: $d) { free { start } } }',
          { r: DEMO_RESOURCES.laundry, d: day.toISODate() },
          eva,
        ),
      ),
    ).toEqual(['NOT_FOUND']);
    const bookingsOf = (resourceId: string, token: string) =>
      e2e.gql(
        'query ($r: ID!, $f: DateTime!, $t: DateTime!) { bookings(resourceId: $r, from: $f, to: $t) { id } }',
        { r: resourceId, f: at('00:00'), t: at('23:00') },
        token,
      );
    expect(codes(await bookingsOf(DEMO_RESOURCES.laundry, eva))).toEqual(['NOT_FOUND']);
    expect(codes(await bookingsOf(randomUUID(), ola))).toEqual(['NOT_FOUND']);
    const resourcesAt = (locationId: string, token: string) =>
      e2e.gql('query ($l: ID!) { resources(locationId: $l) { nodes { id } } }', { l: locationId }, token);
    expect(codes(await resourcesAt(DEMO_RESOURCES.officeSpace, eva))).toEqual(['NOT_FOUND']);
    expect(codes(await resourcesAt(DEMO_RESOURCES.officeSpace, ola))).toEqual([]);
    const theirs = await fetchFeed((await feed(eva, '{ myBookingsCalendar { url createdAt } }')).url);
    expect(theirs.lines.join('\n')).not.toContain(laundryBooking);
  });

  it('cancels the future bookings of a resident who moves out', async () => {
    const upcoming = await book(per, { resourceId: DEMO_RESOURCES.laundry, start: at('19:00'), end: at('22:00') });
    const [tenure] = await e2e.stack.members.repositories.housing.tenuresOf(DEMO.solbakken, 'member', [DEMO.per], true);
    const moveOut = DateTime.now().setZone('Europe/Oslo').toISODate();
    const moved = await e2e.gql(
      'mutation ($i: RecordMoveOutInput!) { recordMoveOut(input: $i) { tenure { id } } }',
      { i: { tenureId: tenure!.id, moveOut } },
      kari,
    );
    expect(moved.errors).toBeUndefined();
    // The move-out travels through members' outbox, the event stream and reservations' consumer.
    const deadline = Date.now() + 15_000;
    while ((await statusOf(kari, upcoming.id)) !== 'CANCELLED' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await statusOf(kari, upcoming.id)).toBe('CANCELLED');
    expect(await statusOf(kari, laundryBooking)).toBe('CONFIRMED');
  });
});
