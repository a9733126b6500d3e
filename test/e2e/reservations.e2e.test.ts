import { randomUUID } from 'node:crypto';
import { DEMO } from '@tunet/members';
import { DEMO_RESOURCES } from '@tunet/reservations';
import { DateTime } from 'luxon';
import { accessTokens, codes, openE2E, type E2E } from './e2e.fixtures';
import { loadOperation } from './first-party';

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

  it('runs the laundry flow of a client: grid, quote, book, my bookings, cancel late with the fee shown to the booker', async () => {
    type Slot = { start: string; end: string; state: string; booking: { id: string } | null };
    const today = DateTime.now().setZone('Europe/Oslo');
    const gridFor = async (token: string) => {
      const result = await e2e.gql<{ resource: { viewerCanBook: boolean }; availability: { slots: Slot[] } }>(
        loadOperation('resource-availability'),
        { resourceId: DEMO_RESOURCES.laundry, from: today.toISODate(), to: today.plus({ days: 1 }).toISODate() },
        token,
      );
      expect(result.errors).toBeUndefined();
      return result.data!;
    };
    const perGrid = await gridFor(per);
    expect(perGrid.resource.viewerCanBook).toBe(true);
    // Ola's demo slot tomorrow 10:00 is his (MINE, linked), and only TAKEN, unlinked, for Per.
    const olas = (await gridFor(ola)).availability.slots.find((s) => s.state === 'MINE')!;
    expect(olas.booking).not.toBeNull();
    expect(perGrid.availability.slots.find((s) => s.start === olas.start)).toMatchObject({ state: 'TAKEN', booking: null });
    // The first free slot that starts within a day: past the free-cancellation deadline from the start.
    const soon = perGrid.availability.slots.find(
      (s) => s.state === 'FREE' && Date.parse(s.start) > Date.now() + 10 * 60_000 && Date.parse(s.start) < Date.now() + 23 * 3_600_000,
    )!;
    const time = { resourceId: DEMO_RESOURCES.laundry, start: soon.start, end: soon.end };

    const quote = await e2e.gql<{ bookingQuote: Record<string, unknown> }>(loadOperation('booking-quote'), { input: time }, per);
    expect(quote.errors).toBeUndefined();
    expect(quote.data!.bookingQuote).toMatchObject({
      canBook: true,
      refusal: null,
      price: 2_000,
      currency: 'NOK',
      lateCancellationFee: 1_000,
      quotas: [{ used: 0, remaining: 2, remainingAfter: 1, quota: { per: 'UNIT', period: 'FUTURE', maxBookings: 2 } }],
    });
    expect(Date.parse(quote.data!.bookingQuote.freeCancellationUntil as string)).toBeLessThan(Date.now());

    const created = await e2e.gql<{ createBooking: { booking: { id: string; status: string; viewerCanCancel: boolean } } }>(
      loadOperation('create-booking'),
      { input: { ...time, idempotencyKey: randomUUID() } },
      per,
    );
    expect(created.errors).toBeUndefined();
    const booking = created.data!.createBooking.booking;
    expect(booking).toMatchObject({ status: 'CONFIRMED', viewerCanCancel: true });
    const mine = async (status: string) => {
      const result = await e2e.gql<{ myBookings: { nodes: { id: string; cancellation: { fee: number; refunded: number } | null }[] } }>(
        loadOperation('my-bookings'),
        { status },
        per,
      );
      expect(result.errors).toBeUndefined();
      return result.data!.myBookings.nodes;
    };
    expect((await mine('UPCOMING')).map((b) => b.id)).toContain(booking.id);

    // The slot is now taken for Kari's quote and booking, with the same reason.
    const taken = await e2e.gql<{ bookingQuote: { canBook: boolean; refusal: { reason: string } } }>(loadOperation('booking-quote'), { input: time }, kari);
    expect(taken.data!.bookingQuote).toMatchObject({ canBook: false, refusal: { reason: 'SLOT_TAKEN' } });
    const clash = await e2e.gql(loadOperation('create-booking'), { input: { ...time, idempotencyKey: randomUUID() } }, kari);
    expect(clash.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'SLOT_TAKEN' });
    // Ola's household has its two upcoming laundry slots (the demo's and this file's first): quote and booking agree.
    const another = { ...time, start: at('07:00'), end: at('10:00') };
    const full = await e2e.gql<{ bookingQuote: { refusal: { reason: string } } }>(loadOperation('booking-quote'), { input: another }, ola);
    expect(full.data!.bookingQuote.refusal.reason).toBe('QUOTA_EXCEEDED');
    const refused = await e2e.gql(loadOperation('create-booking'), { input: { ...another, idempotencyKey: randomUUID() } }, ola);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'QUOTA_EXCEEDED', limit: 2 });

    const cancelled = await e2e.gql<{ cancelBooking: { fee: number; refunded: number; booking: Record<string, unknown> } }>(
      loadOperation('cancel-booking'),
      { input: { bookingId: booking.id } },
      per,
    );
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data!.cancelBooking).toMatchObject({
      fee: 1_000,
      refunded: 2_000,
      booking: { status: 'CANCELLED', viewerCanCancel: false, cancellation: { fee: 1_000, refunded: 2_000 } },
    });
    expect((await mine('UPCOMING')).map((b) => b.id)).not.toContain(booking.id);
    expect((await mine('CANCELLED')).find((b) => b.id === booking.id)?.cancellation).toMatchObject({ fee: 1_000, refunded: 2_000 });
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
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'start', reason: 'TOO_FAR_AHEAD', horizonDays: null });
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
