import { errorReasons } from '@tunet/kit';
import { quoteOf } from './booking-quote.rules';
import {
  bookingHorizon,
  busiestRollingPeriod,
  cancellationTerms,
  depositOf,
  firstRefusal,
  lateCancellationFee,
  minimumNotice,
  notArchived,
  platformHorizon,
  priceOf,
  quotaWindow,
  rulesAccepted,
  scheduleFit,
  whoMayBook,
  withinQuota,
  type BookingRequest,
  type QuotaRow,
  type Refusal,
  type RuleResource,
} from './booking.rules';

const resource = (overrides: Partial<RuleResource> = {}): RuleResource => ({
  associationId: 'a0000000-0000-4000-8000-00000000000a',
  id: 'c0000000-0000-4000-8000-000000000001',
  locationId: null,
  name: 'Gjesteleiligheten',
  description: '',
  photoUrls: [],
  capacity: null,
  timeZone: 'Europe/Oslo',
  bookingMode: 'range',
  slots: [],
  minDurationMinutes: null,
  maxDurationMinutes: null,
  checkInTime: null,
  checkOutTime: null,
  minNoticeMinutes: 0,
  bookingHorizonDays: null,
  bufferMinutes: 0,
  whoMayBook: ['resident', 'board'],
  requiresApproval: false,
  rulesText: null,
  requiresRulesAcceptance: false,
  priceUnit: 'free',
  weekdayPrice: 0,
  weekendPrice: 0,
  deposit: 0,
  freeForBoard: false,
  cancellationDeadlineHours: 0,
  lateCancellationFeePercent: 0,
  archivedAt: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...overrides,
});

const quota = (overrides: Partial<QuotaRow>): QuotaRow => ({
  associationId: 'a0000000-0000-4000-8000-00000000000a',
  id: 'd0000000-0000-4000-8000-000000000001',
  resourceId: 'c0000000-0000-4000-8000-000000000001',
  per: 'unit',
  period: 'future',
  periodDays: null,
  maxBookings: 1,
  ...overrides,
});

const range = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });
/** The refusal's message as a client reads it, rendered from its reason and parameters (kit error-reasons.ts). */
const en = (refusal: Refusal | null) => refusal && errorReasons[refusal.reason].en(refusal.params);
const nb = (refusal: Refusal | null) => refusal && errorReasons[refusal.reason].nb(refusal.params);
// Wednesday 2026-11-25, 10:00 in Oslo (UTC+1).
const now = new Date('2026-11-25T09:00:00Z');

describe('who may book', () => {
  it('lets the roles the resource names book and tells anyone else who may', () => {
    expect(whoMayBook(resource(), 'resident')).toBeNull();
    expect(whoMayBook(resource(), 'external')).toMatchObject({ reason: 'BOOKING_NOT_ALLOWED', params: { allowed: 'RESIDENT,BOARD' } });
    expect(en(whoMayBook(resource(), 'external'))).toBe('Only residents and the board may book Gjesteleiligheten.');
    expect(en(whoMayBook(resource({ whoMayBook: ['board'] }), 'resident'))).toBe('Only the board may book Gjesteleiligheten.');
    expect(nb(whoMayBook(resource({ whoMayBook: ['board'] }), 'resident'))).toBe('Bare styret kan booke Gjesteleiligheten.');
    expect(whoMayBook(resource({ whoMayBook: [] }), 'board')?.rule).toBe('who_may_book');
  });
});

describe('archived resources', () => {
  it('cannot be booked', () => {
    expect(notArchived(resource())).toBeNull();
    expect(notArchived(resource({ archivedAt: now }))?.reason).toBe('RESOURCE_ARCHIVED');
    expect(en(notArchived(resource({ archivedAt: now })))).toBe('Gjesteleiligheten is no longer available for booking.');
  });
});

describe('minimum notice', () => {
  const soon = range('2026-11-26T09:00:00Z', '2026-11-26T10:00:00Z');
  it('refuses a start closer than the notice, saying how much notice is needed', () => {
    expect(minimumNotice(resource({ minNoticeMinutes: 24 * 60 }), soon, now)).toBeNull();
    // The earliest start is a deadline, an ISO date-time with the offset of the resource's zone (Oslo: UTC+1).
    expect(minimumNotice(resource({ minNoticeMinutes: 2 * 24 * 60 }), soon, now)).toEqual({
      rule: 'minimum_notice',
      reason: 'TOO_SHORT_NOTICE',
      params: { resource: 'Gjesteleiligheten', minNoticeMinutes: 2880, earliest: '2026-11-27T10:00:00+01:00' },
      field: 'start',
    });
    // Read by a person: the local date and time, not ISO with milliseconds.
    const short = minimumNotice(resource({ minNoticeMinutes: 90 }), range('2026-11-25T10:00:00Z', '2026-11-25T11:00:00Z'), now);
    expect(en(short)).toBe('Gjesteleiligheten must be booked at least 90 minutes before it starts; the earliest start is 25 Nov at 11:30.');
    expect(nb(short)).toBe('Gjesteleiligheten må bookes minst 90 minutter før start; tidligste start er 25. nov. kl. 11:30.');
  });

  it('refuses a start in the past even without notice', () => {
    expect(minimumNotice(resource(), range('2026-11-25T08:00:00Z', '2026-11-25T10:00:00Z'), now)).toMatchObject({ reason: 'BOOKING_IN_PAST', field: 'start' });
    expect(minimumNotice(resource({ minNoticeMinutes: 60 }), range('2026-11-25T08:00:00Z', '2026-11-25T10:00:00Z'), now)?.reason).toBe('BOOKING_IN_PAST');
  });
});

describe('booking horizon', () => {
  it('refuses a start further ahead than bookings open', () => {
    const inTenDays = range('2026-12-05T09:00:00Z', '2026-12-05T10:00:00Z');
    expect(bookingHorizon(resource(), inTenDays, now)).toBeNull();
    expect(bookingHorizon(resource({ bookingHorizonDays: 10 }), inTenDays, now)).toBeNull();
    expect(bookingHorizon(resource({ bookingHorizonDays: 9 }), inTenDays, now)).toMatchObject({
      reason: 'TOO_FAR_AHEAD',
      params: { horizonDays: 9, latest: '2026-12-04T10:00:00+01:00' },
      field: 'start',
    });
    expect(en(bookingHorizon(resource({ bookingHorizonDays: 9 }), inTenDays, now))).toBe('Gjesteleiligheten can be booked at most 9 days ahead.');
  });

  it('holds every resource to the platform horizon of two years, to the end of that day in its time zone', () => {
    // Now is 25 November 2026 in Oslo: the last day that opens is 25 November 2028, ending at 23:00 UTC.
    const lastHour = range('2028-11-25T22:00:00Z', '2028-11-25T23:00:00Z');
    const nextDay = range('2028-11-25T23:00:00Z', '2028-11-26T00:00:00Z');
    const year2999 = range('2999-06-01T10:00:00Z', '2999-06-01T11:00:00Z');
    expect(bookingHorizon(resource(), lastHour, now)).toBeNull();
    expect(bookingHorizon(resource(), nextDay, now)).toMatchObject({
      reason: 'TOO_FAR_AHEAD',
      params: { horizonDays: null, latest: '2028-11-26T00:00:00+01:00' },
    });
    expect(bookingHorizon(resource(), year2999, now)?.rule).toBe('booking_horizon');
    expect(bookingHorizon(resource({ bookingHorizonDays: 3650 }), year2999, now)?.rule).toBe('booking_horizon');
    // The same instant is still 25 November in Oslo but already 26 November in Tokyo.
    expect(bookingHorizon(resource({ timeZone: 'Asia/Tokyo' }), range('2028-11-25T16:00:00Z', '2028-11-25T17:00:00Z'), now)).not.toBeNull();
  });

  it('lets no booking run past the platform horizon either', () => {
    expect(platformHorizon(resource(), range('2028-11-24T10:00:00Z', '2028-11-25T23:00:00Z'), now)).toBeNull();
    expect(platformHorizon(resource(), range('2026-12-01T10:00:00Z', '2999-06-01T10:00:00Z'), now)).toMatchObject({ reason: 'TOO_FAR_AHEAD', field: 'end' });
    expect(nb(platformHorizon(resource(), range('2026-12-01T10:00:00Z', '2999-06-01T10:00:00Z'), now))).toBe(
      'Bookinger åpner høyst 2 år frem: ikke noe etter 26. nov. 2028 kl. 00:00.',
    );
  });
});

describe('schedule fit', () => {
  it("passes the schedule's reason on, naming the resource", () => {
    const laundry = resource({ name: 'Vaskeriet', bookingMode: 'slots', slots: [{ start: '07:00', end: '10:00' }] });
    expect(scheduleFit(laundry, [], [], range('2026-11-26T06:00:00Z', '2026-11-26T09:00:00Z'))).toBeNull();
    expect(scheduleFit(laundry, [], [], range('2026-11-26T07:00:00Z', '2026-11-26T09:00:00Z'))).toEqual({
      rule: 'schedule',
      reason: 'NOT_A_SLOT',
      params: { resource: 'Vaskeriet', slots: '07:00–10:00' },
      field: 'start',
    });
    const closed = [{ during: range('2026-11-26T00:00:00Z', '2026-11-27T00:00:00Z'), reason: 'Maintenance' }];
    expect(en(scheduleFit(laundry, [], closed, range('2026-11-26T06:00:00Z', '2026-11-26T09:00:00Z')))).toBe('Vaskeriet is closed then: Maintenance.');
  });
});

describe('rules acceptance', () => {
  it('is required only where the resource asks for it', () => {
    expect(rulesAccepted(resource(), false)).toBeNull();
    expect(rulesAccepted(resource({ requiresRulesAcceptance: true }), true)).toBeNull();
    expect(rulesAccepted(resource({ requiresRulesAcceptance: true }), false)).toMatchObject({ reason: 'RULES_NOT_ACCEPTED', field: 'acceptRules' });
    expect(en(rulesAccepted(resource({ requiresRulesAcceptance: true }), false))).toBe('You must accept the rules of Gjesteleiligheten to book it.');
  });
});

describe('quotas', () => {
  const start = new Date('2026-03-10T15:00:00Z');

  it('counts upcoming bookings as those not ended yet', () => {
    expect(quotaWindow(quota({ period: 'future' }), start, 'Europe/Oslo', now)).toEqual({ kind: 'not_ended', at: now });
  });

  it('counts the calendar year and month of the start in the resource time zone', () => {
    // 23:30 on New Year's Eve in UTC is already next year in Oslo.
    const newYear = new Date('2026-12-31T23:30:00Z');
    expect(quotaWindow(quota({ period: 'calendar_year' }), newYear, 'Europe/Oslo', now)).toEqual({
      kind: 'starting',
      from: new Date('2026-12-31T23:00:00Z'),
      to: new Date('2027-12-31T23:00:00Z'),
    });
    // March in Oslo starts in winter time (UTC+1) and ends in summer time (UTC+2).
    expect(quotaWindow(quota({ period: 'calendar_month' }), start, 'Europe/Oslo', now)).toEqual({
      kind: 'starting',
      from: new Date('2026-02-28T23:00:00Z'),
      to: new Date('2026-03-31T22:00:00Z'),
    });
  });

  it("reads a rolling period's days on both sides of the start", () => {
    expect(quotaWindow(quota({ period: 'rolling', periodDays: 7 }), start, 'Europe/Oslo', now)).toEqual({
      kind: 'starting',
      from: new Date('2026-03-03T15:00:00Z'),
      to: new Date('2026-03-17T15:00:00Z'),
    });
  });

  it('counts the fullest rolling period the new booking would fall in, before or after it', () => {
    const day = (n: number) => new Date(start.getTime() + n * 86_400_000);
    // Booked 20 days later first, then asking for today: one 30-day period holds both.
    expect(busiestRollingPeriod([day(20)], start, 30)).toBe(1);
    // 20 days before and 20 after: no 30-day period holds all three, each pair fits in one.
    expect(busiestRollingPeriod([day(-20), day(20)], start, 30)).toBe(1);
    expect(busiestRollingPeriod([day(-20), day(-5), day(20)], start, 30)).toBe(2);
    expect(busiestRollingPeriod([day(-30), day(30)], start, 30)).toBe(0);
  });

  it('refuses once the count reaches the limit, saying whose quota, which period and the limit', () => {
    const flat = resource();
    expect(withinQuota(flat, quota({ maxBookings: 2 }), 1)).toBeNull();
    expect(withinQuota(flat, quota({}), 1)).toMatchObject({
      reason: 'QUOTA_EXCEEDED',
      params: { limit: 1, used: 1, per: 'UNIT', period: 'FUTURE' },
    });
    expect(en(withinQuota(flat, quota({}), 1))).toBe('Your household has used its quota of 1 upcoming bookings for Gjesteleiligheten.');
    expect(en(withinQuota(flat, quota({ per: 'person', period: 'calendar_year', maxBookings: 2 }), 2))).toBe(
      'You have used your quota of 2 bookings in the calendar year for Gjesteleiligheten.',
    );
    expect(nb(withinQuota(flat, quota({ period: 'calendar_month', maxBookings: 3 }), 3))).toBe(
      'Husstanden har brukt opp kvoten sin på 3 bookinger i kalendermåneden for Gjesteleiligheten.',
    );
    expect(en(withinQuota(flat, quota({ period: 'rolling', periodDays: 30 }), 1))).toBe(
      'Your household has used its quota of 1 bookings within 30 days for Gjesteleiligheten.',
    );
  });
});

describe('the first refusal', () => {
  const request = (overrides: Partial<BookingRequest>): BookingRequest => ({
    resource: resource(),
    openingHours: [],
    closedPeriods: [],
    role: 'resident',
    range: range('2026-11-26T09:00:00Z', '2026-11-26T10:00:00Z'),
    acceptRules: false,
    quotaCounts: [],
    now,
    ...overrides,
  });

  it('is null when every rule passes, and otherwise the first rule broken', () => {
    expect(firstRefusal(request({}))).toBeNull();
    expect(firstRefusal(request({ role: 'external', quotaCounts: [{ quota: quota({}), count: 5 }] }))?.rule).toBe('who_may_book');
    expect(firstRefusal(request({ quotaCounts: [{ quota: quota({}), count: 1 }] }))?.rule).toBe('quota');
    expect(firstRefusal(request({ resource: resource({ requiresRulesAcceptance: true }) }))?.rule).toBe('rules_acceptance');
    expect(firstRefusal(request({ range: range('2999-06-01T10:00:00Z', '2999-06-01T11:00:00Z') }))?.rule).toBe('booking_horizon');
    expect(firstRefusal(request({ range: range('2026-12-01T10:00:00Z', '2999-06-01T10:00:00Z') }))?.rule).toBe('platform_horizon');
  });
});

describe('price', () => {
  // Friday 27 and Saturday 28 November 2026, Oslo.
  const friday = range('2026-11-27T09:00:00Z', '2026-11-27T11:30:00Z');
  const saturday = range('2026-11-28T09:00:00Z', '2026-11-28T10:00:00Z');
  const prices = { weekdayPrice: 10_000, weekendPrice: 15_000 };

  it('is nothing for a free resource', () => {
    expect(priceOf(resource(prices), friday, 'resident')).toBe(0);
  });

  it('charges per booking or slot at the weekday or weekend price of the start', () => {
    expect(priceOf(resource({ ...prices, priceUnit: 'per_booking' }), friday, 'resident')).toBe(10_000);
    expect(priceOf(resource({ ...prices, priceUnit: 'per_slot' }), saturday, 'resident')).toBe(15_000);
  });

  it('charges started hours', () => {
    expect(priceOf(resource({ ...prices, priceUnit: 'per_hour' }), friday, 'resident')).toBe(30_000);
    expect(priceOf(resource({ ...prices, priceUnit: 'per_hour' }), saturday, 'resident')).toBe(15_000);
  });

  it('charges each night by its own weekday, across the change to summer time', () => {
    const flat = resource({ ...prices, priceUnit: 'per_night' });
    // Friday 15:00 to Monday 12:00 in Oslo: Friday night weekday, Saturday and Sunday nights weekend.
    expect(priceOf(flat, range('2026-11-27T14:00:00Z', '2026-11-30T11:00:00Z'), 'resident')).toBe(40_000);
    // Saturday 28 March 2026 15:00 (UTC+1) to Monday 30 March 12:00 (UTC+2): two weekend nights.
    expect(priceOf(flat, range('2026-03-28T14:00:00Z', '2026-03-30T10:00:00Z'), 'resident')).toBe(30_000);
  });

  it('is free for the board only where the resource says so, deposit included', () => {
    const paid = resource({ ...prices, priceUnit: 'per_booking', deposit: 50_000 });
    expect(priceOf(paid, friday, 'board')).toBe(10_000);
    expect(depositOf(paid, 'board')).toBe(50_000);
    expect(priceOf({ ...paid, freeForBoard: true }, friday, 'board')).toBe(0);
    expect(depositOf({ ...paid, freeForBoard: true }, 'board')).toBe(0);
    expect(priceOf({ ...paid, freeForBoard: true }, friday, 'resident')).toBe(10_000);
    expect(depositOf({ ...paid, freeForBoard: true }, 'resident')).toBe(50_000);
  });
});

describe('late cancellation fee', () => {
  const terms = { cancellationDeadlineHours: 48, lateCancellationFeePercent: 50 };
  const booking = { during: range('2026-11-28T09:00:00Z', '2026-11-28T10:00:00Z'), price: 15_001 };

  it('is nothing up to the deadline and the percentage of the price after it', () => {
    expect(lateCancellationFee(terms, booking, new Date('2026-11-26T09:00:00Z'))).toBe(0);
    expect(lateCancellationFee(terms, booking, new Date('2026-11-26T09:00:01Z'))).toBe(7_501);
    expect(lateCancellationFee({ ...terms, lateCancellationFeePercent: 0 }, booking, new Date('2026-11-28T08:00:00Z'))).toBe(0);
  });
});

describe('cancellation terms', () => {
  const booking = { during: range('2026-11-28T09:00:00Z', '2026-11-28T10:00:00Z'), price: 15_001 };

  it('are free until the deadline and the fee after it; without a fee, free until the start', () => {
    expect(cancellationTerms({ cancellationDeadlineHours: 48, lateCancellationFeePercent: 50 }, booking)).toEqual({
      freeUntil: new Date('2026-11-26T09:00:00Z'),
      feeAfter: 7_501,
    });
    expect(cancellationTerms({ cancellationDeadlineHours: 48, lateCancellationFeePercent: 0 }, booking)).toEqual({
      freeUntil: booking.during.start,
      feeAfter: 0,
    });
    expect(cancellationTerms({ cancellationDeadlineHours: 48, lateCancellationFeePercent: 50 }, { ...booking, price: 0 })).toEqual({
      freeUntil: booking.during.start,
      feeAfter: 0,
    });
  });
});

describe('a quote', () => {
  // The laundry of issue 16: NOK 20 a slot, half of it after the 24-hour deadline, two upcoming slots per household.
  const laundry = resource({
    name: 'Vaskeriet',
    bookingMode: 'slots',
    slots: [{ start: '10:00', end: '13:00' }],
    priceUnit: 'per_slot',
    weekdayPrice: 2_000,
    weekendPrice: 3_000,
    deposit: 0,
    cancellationDeadlineHours: 24,
    lateCancellationFeePercent: 50,
  });
  const thursday = range('2026-11-26T09:00:00Z', '2026-11-26T12:00:00Z');
  const ask = (overrides: Partial<Parameters<typeof quoteOf>[0]> = {}) =>
    quoteOf({ resource: laundry, openingHours: [], closedPeriods: [], role: 'resident', range: thursday, quotaCounts: [], taken: false, now, ...overrides });

  it('gives the price, the deposit, the quota left before and after, and when cancelling stops being free', () => {
    expect(ask({ quotaCounts: [{ quota: quota({ maxBookings: 2 }), count: 1 }] })).toMatchObject({
      refusal: null,
      requiresApproval: false,
      price: 2_000,
      deposit: 0,
      quotas: [{ used: 1, remaining: 1, remainingAfter: 0 }],
      freeCancellationUntil: new Date('2026-11-25T09:00:00Z'),
      lateCancellationFee: 1_000,
    });
  });

  it('refuses with the reason createBooking would give, from the same evaluation', () => {
    const full = { quotaCounts: [{ quota: quota({ maxBookings: 2 }), count: 2 }] };
    expect(ask(full).refusal).toEqual(
      firstRefusal({ ...full, resource: laundry, openingHours: [], closedPeriods: [], role: 'resident', range: thursday, acceptRules: true, now }),
    );
    expect(ask(full)).toMatchObject({ refusal: { reason: 'QUOTA_EXCEEDED' }, price: 2_000, quotas: [{ used: 2, remaining: 0, remainingAfter: 0 }] });
    expect(ask({ taken: true }).refusal).toMatchObject({ rule: 'overlap', reason: 'SLOT_TAKEN' });
    expect(ask({ role: 'external' }).refusal?.reason).toBe('BOOKING_NOT_ALLOWED');
    // Rules acceptance is asked when booking, not quoted.
    expect(ask({ resource: { ...laundry, requiresRulesAcceptance: true } }).refusal).toBeNull();
  });

  it('puts no price on a time that cannot be booked at all, however long it is', () => {
    const forever = range('2026-11-26T09:00:00Z', '9999-11-26T12:00:00Z');
    expect(ask({ resource: { ...laundry, priceUnit: 'per_night', bookingMode: 'days' }, range: forever })).toMatchObject({
      refusal: { reason: 'TOO_FAR_AHEAD', field: 'end' },
      price: null,
      freeCancellationUntil: null,
      lateCancellationFee: null,
    });
    expect(ask({ range: range('2026-11-25T08:00:00Z', '2026-11-25T11:00:00Z') })).toMatchObject({ refusal: { reason: 'BOOKING_IN_PAST' }, price: null });
  });

  it('waits for the board unless the board books, and is free for the board where the resource says so', () => {
    const approved = { ...laundry, requiresApproval: true, freeForBoard: true };
    expect(ask({ resource: approved })).toMatchObject({ requiresApproval: true, price: 2_000 });
    expect(ask({ resource: approved, role: 'board' })).toMatchObject({
      requiresApproval: false,
      price: 0,
      lateCancellationFee: 0,
      freeCancellationUntil: thursday.start,
    });
  });
});
