import { randomUUID } from 'node:crypto';
import { DEMO_RESOURCES } from '@tunet/reservations';
import { DateTime } from 'luxon';
import {
  matrixCaller,
  matrixTests,
  matrixTokens,
  MATRIX_ACTORS,
  openE2E,
  setupStep,
  type E2E,
  type MatrixActor,
  type MatrixCall,
  type Outcome,
} from './e2e.fixtures';

/**
 * Who may do what in the reservations subgraph, through the gateway: every query and mutation × every kind of
 * caller. Each cell is the first error code, or OK. Solbakken is the target, with its demo resources
 * (subgraphs/reservations/src/reservations.demo.ts). The residents are Ola (Blokk A) and Per (Blokk B); the caretaker is
 * Jonas, an external; "other association" is Fjordly's board; the integrator is an API key with MEMBERS_READ; the
 * platform admin is a Fjordly member (an external) with the platform flag. An operation without a target id acts in
 * the caller's own association, so OK for another association's board means it acted in its own, never in
 * Solbakken. Ingrid (Blokk A, not an actor) makes the bookings others act on, so nobody acts on their own by accident.
 */
const ACTORS = MATRIX_ACTORS;
type Actor = MatrixActor;

describe('reservations access matrix', () => {
  let e2e: E2E;
  const tokens: Partial<Record<Actor, string>> & { ingrid?: string } = {};
  const ids: Record<string, string> = {};
  let call: MatrixCall<Actor>;
  const must = <T = unknown>(token: string | undefined, query: string, variables: Record<string, unknown> = {}) => setupStep<T>(e2e, token, query, variables);
  const BOOK = 'mutation ($i: CreateBookingInput!) { createBooking(input: $i) { booking { id } } }';
  /** Weekdays some weeks ahead in Oslo, so no demo booking, notice or opening hour is in the way. */
  const weekday = (weeksAhead: number, isoWeekday: number) =>
    DateTime.now()
      .setZone('Europe/Oslo')
      .startOf('week')
      .plus({ weeks: weeksAhead, days: isoWeekday - 1 });
  const at = (day: DateTime, hour: number) => day.set({ hour }).toJSDate().toISOString();
  const bookAs = async (token: string | undefined, resourceId: string, day: DateTime, from: number, to: number) =>
    (
      await must<{ createBooking: { booking: { id: string } } }>(token, BOOK, {
        i: { resourceId, start: at(day, from), end: at(day, to), idempotencyKey: randomUUID() },
      })
    ).createBooking.booking.id;

  beforeAll(async () => {
    e2e = await openE2E();
    call = matrixCaller(e2e, tokens);
    Object.assign(tokens, await matrixTokens(e2e, { ingrid: 'ingrid@solbakken.example' }));
    const { ingrid, board } = tokens;

    // Ingrid's desk bookings: one to read, and one per actor to cancel (cancelling is final).
    ids.booking = await bookAs(ingrid, DEMO_RESOURCES.desk, weekday(3, 1), 8, 9);
    for (const [i, actor] of ACTORS.entries()) ids[`cancellable ${actor}`] = await bookAs(ingrid, DEMO_RESOURCES.desk, weekday(3, 2), 8 + i, 9 + i);
    // Ingrid's party-room bookings wait for the board: one per actor to decide (deciding is final).
    for (const [i, actor] of ACTORS.entries()) ids[`pending ${actor}`] = await bookAs(ingrid, DEMO_RESOURCES.partyRoom, weekday(4 + i, 6), 14, 17);
    // A resource of the board's own to change, archive and close, so the demo resources stay as they are.
    ids.scratch = (
      await must<{ createResource: { resource: { id: string } } }>(
        board,
        'mutation { createResource(input: { name: "Tilhenger", bookingMode: DAYS, checkInTime: "08:00", checkOutTime: "20:00" }) { resource { id } } }',
      )
    ).createResource.resource.id;
    ids.closedPeriod = (
      await must<{ addClosedPeriod: { closedPeriod: { id: string } } }>(
        board,
        'mutation ($r: ID!) { addClosedPeriod(input: { resourceId: $r, start: "2099-07-01T00:00:00Z", end: "2099-08-01T00:00:00Z", reason: "Service" }) { closedPeriod { id } } }',
        { r: ids.scratch },
      )
    ).addClosedPeriod.closedPeriod.id;
  });
  afterAll(() => e2e.close());

  const range = { from: '2099-01-01T00:00:00Z', to: '2099-02-01T00:00:00Z' };
  const day = () => weekday(3, 1).toISODate();
  // Listed in the order the rows run: within a domain, what changes shared state comes after what reads it.
  const operations: Record<string, (actor: Actor) => Promise<Outcome>> = {
    // Resources and availability
    resources: (a) => call(a, '{ resources { nodes { id } } }'),
    resource: (a) => call(a, 'query ($id: ID!) { resource(id: $id) { name } }', { id: DEMO_RESOURCES.laundry }),
    availability: (a) =>
      call(a, 'query ($r: ID!, $d: Date!) { availability(resourceId: $r, from: $d, to: $d) { free { start } slots { state } } }', {
        r: DEMO_RESOURCES.laundry,
        d: day(),
      }),
    bookingQuote: (a) =>
      call(a, 'query ($i: BookingQuoteInput!) { bookingQuote(input: $i) { canBook refusal { reason } price } }', {
        i: { resourceId: DEMO_RESOURCES.desk, start: at(weekday(3, 4), 8), end: at(weekday(3, 4), 9) },
      }),
    createResource: (a) => call(a, 'mutation { createResource(input: { name: "Badstua", bookingMode: RANGE }) { resource { id } } }'),
    createLocation: (a) => call(a, 'mutation { createLocation(input: { name: "Nærkontoret Sentrum" }) { location { id } } }'),
    updateResource: (a) =>
      call(a, 'mutation ($r: ID!) { updateResource(input: { resourceId: $r, description: "Nytt hengerfeste." }) { resource { id } } }', { r: ids.scratch }),
    setOpeningHours: (a) =>
      call(
        a,
        'mutation ($r: ID!) { setOpeningHours(input: { resourceId: $r, hours: [{ weekday: 6, opens: "09:00", closes: "18:00" }] }) { resource { id } } }',
        { r: ids.scratch },
      ),
    setQuotas: (a) =>
      call(a, 'mutation ($r: ID!) { setQuotas(input: { resourceId: $r, quotas: [{ per: UNIT, period: FUTURE, maxBookings: 1 }] }) { resource { id } } }', {
        r: ids.scratch,
      }),
    addClosedPeriod: (a) =>
      call(
        a,
        'mutation ($r: ID!) { addClosedPeriod(input: { resourceId: $r, start: "2099-12-24T00:00:00Z", end: "2099-12-27T00:00:00Z", reason: "Jul" }) { closedPeriod { id } } }',
        {
          r: ids.scratch,
        },
      ),
    removeClosedPeriod: (a) => call(a, 'mutation ($c: ID!) { removeClosedPeriod(input: { closedPeriodId: $c }) { resource { id } } }', { c: ids.closedPeriod }),
    archiveResource: (a) => call(a, 'mutation ($r: ID!) { archiveResource(input: { resourceId: $r }) { resource { archived } } }', { r: ids.scratch }),
    // Bookings
    booking: (a) => call(a, 'query ($id: ID!) { booking(id: $id) { status } }', { id: ids.booking }),
    bookings: (a) =>
      call(a, 'query ($r: ID!, $f: DateTime!, $t: DateTime!) { bookings(resourceId: $r, from: $f, to: $t) { id } }', {
        r: DEMO_RESOURCES.desk,
        f: range.from,
        t: range.to,
      }),
    myBookings: (a) => call(a, '{ myBookings { nodes { id } } }'),
    charges: (a) => call(a, 'query ($f: DateTime!, $t: DateTime!) { charges(from: $f, to: $t) { nodes { id } } }', { f: range.from, t: range.to }),
    createBooking: (a) =>
      call(a, BOOK, {
        i: {
          resourceId: DEMO_RESOURCES.desk,
          start: at(weekday(3, 3), 8 + ACTORS.indexOf(a)),
          end: at(weekday(3, 3), 9 + ACTORS.indexOf(a)),
          idempotencyKey: randomUUID(),
        },
      }),
    cancelBooking: (a) =>
      call(a, 'mutation ($b: ID!) { cancelBooking(input: { bookingId: $b, reason: "Matrise" }) { booking { status } } }', { b: ids[`cancellable ${a}`] }),
    decideBooking: (a) =>
      call(a, 'mutation ($b: ID!) { decideBooking(input: { bookingId: $b, decision: APPROVE }) { booking { status } } }', { b: ids[`pending ${a}`] }),
    // Calendar feeds
    myBookingsCalendar: (a) => call(a, '{ myBookingsCalendar { url } }'),
    resourceCalendar: (a) => call(a, 'query ($r: ID!) { resourceCalendar(resourceId: $r) { url } }', { r: DEMO_RESOURCES.laundry }),
    resetBookingsCalendar: (a) => call(a, 'mutation { resetBookingsCalendar(input: {}) { feed { url } } }'),
    'resetBookingsCalendar (resource)': (a) =>
      call(a, 'mutation ($r: ID!) { resetBookingsCalendar(input: { resourceId: $r }) { feed { url } } }', { r: DEMO_RESOURCES.laundry }),
  };

  const U = 'UNAUTHENTICATED';
  const F = 'FORBIDDEN';
  const N = 'NOT_FOUND';
  // prettier-ignore
  const expected: Record<string, Outcome[]> = {
    //                                  anonymous resident A resident B caretaker board other  integrator platform admin
    resources:                          [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    resource:                           [U,       'OK',      'OK',      'OK',     'OK', N,     N,         N],
    availability:                       [U,       'OK',      'OK',      'OK',     'OK', N,     F,         N],
    bookingQuote:                       [U,       'OK',      'OK',      'OK',     'OK', N,     F,         N],
    createResource:                     [U,       F,         F,         F,        'OK', 'OK',  F,         F],
    createLocation:                     [U,       F,         F,         F,        'OK', 'OK',  F,         F],
    updateResource:                     [U,       F,         F,         F,        'OK', N,     F,         F],
    setOpeningHours:                    [U,       F,         F,         F,        'OK', N,     F,         F],
    setQuotas:                          [U,       F,         F,         F,        'OK', N,     F,         F],
    addClosedPeriod:                    [U,       F,         F,         F,        'OK', N,     F,         F],
    removeClosedPeriod:                 [U,       F,         F,         F,        'OK', N,     F,         F],
    archiveResource:                    [U,       F,         F,         F,        'OK', N,     F,         F],
    booking:                            [U,       'OK',      'OK',      'OK',     'OK', N,     N,         N],
    bookings:                           [U,       'OK',      'OK',      'OK',     'OK', N,     F,         N],
    myBookings:                         [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    charges:                            [U,       F,         F,         F,        'OK', 'OK',  F,         F],
    createBooking:                      [U,       'OK',      'OK',      F,        'OK', N,     F,         N],
    cancelBooking:                      [U,       F,         F,         F,        'OK', N,     F,         N],
    decideBooking:                      [U,       F,         F,         F,        'OK', N,     F,         F],
    myBookingsCalendar:                 [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    resourceCalendar:                   [U,       'OK',      'OK',      'OK',     'OK', N,     F,         N],
    resetBookingsCalendar:              [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    'resetBookingsCalendar (resource)': [U,       'OK',      'OK',      'OK',     'OK', N,     F,         N],
  };

  matrixTests(ACTORS, operations, expected);
});
