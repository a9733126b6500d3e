import type { TimeRange } from '../tables';
import { freeTimes, windowOfDates, type AvailabilityInput, type AvailabilityResource } from './availability';
import { slotGrid, type GridInput } from './slot-states.rules';

const laundry: AvailabilityResource = {
  timeZone: 'Europe/Oslo',
  bookingMode: 'slots',
  slots: [
    { start: '00:00', end: '06:00' },
    { start: '07:00', end: '10:00' },
    { start: '10:00', end: '13:00' },
  ],
  minDurationMinutes: null,
  maxDurationMinutes: null,
  checkInTime: null,
  checkOutTime: null,
  minNoticeMinutes: 0,
  bookingHorizonDays: null,
  bufferMinutes: 0,
};
const partyRoom: AvailabilityResource = { ...laundry, bookingMode: 'range', slots: [], minDurationMinutes: 60, maxDurationMinutes: 480 };
const guestFlat: AvailabilityResource = { ...laundry, bookingMode: 'days', slots: [], checkInTime: '15:00:00', checkOutTime: '12:00:00' };

/** Before every window below, and less than the platform horizon of two years before any. */
const EARLIER = new Date('2026-01-01T00:00:00Z');
const range = (start: string, end: string): TimeRange => ({ start: new Date(start), end: new Date(end) });
const iso = (ranges: TimeRange[]) => ranges.map((r) => [r.start.toISOString(), r.end.toISOString()]);

function free(resource: AvailabilityResource, from: string, to: string, input: Partial<AvailabilityInput> = {}) {
  return iso(freeTimes({ resource, hours: [], closed: [], blocked: [], now: EARLIER, window: windowOfDates(from, to, resource.timeZone), ...input }));
}

describe('freeTimes', () => {
  describe('across daylight-saving changes in Europe/Oslo', () => {
    it('keeps the 07–10 laundry slot at 07–10 local on both sides of 29 March', () => {
      const slots = free(laundry, '2026-03-28', '2026-03-29');
      expect(slots).toContainEqual(['2026-03-28T06:00:00.000Z', '2026-03-28T09:00:00.000Z']);
      expect(slots).toContainEqual(['2026-03-29T05:00:00.000Z', '2026-03-29T08:00:00.000Z']);
    });

    it('keeps the 07–10 laundry slot at 07–10 local on both sides of 25 October', () => {
      const slots = free(laundry, '2026-10-24', '2026-10-25');
      expect(slots).toContainEqual(['2026-10-24T05:00:00.000Z', '2026-10-24T08:00:00.000Z']);
      expect(slots).toContainEqual(['2026-10-25T06:00:00.000Z', '2026-10-25T09:00:00.000Z']);
    });

    it('gives the 00–06 night slot 5 hours on 29 March and 7 hours on 25 October', () => {
      expect(free(laundry, '2026-03-29', '2026-03-29')[0]).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T04:00:00.000Z']);
      expect(free(laundry, '2026-10-25', '2026-10-25')[0]).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T05:00:00.000Z']);
    });

    it('makes the guest flat night into 25 October 22 hours long, check-in 15:00 to check-out 12:00 local', () => {
      expect(free(guestFlat, '2026-10-24', '2026-10-24')).toEqual([['2026-10-24T13:00:00.000Z', '2026-10-25T11:00:00.000Z']]);
    });

    it('gives an open-all-day room 23 hours on 29 March', () => {
      expect(free(partyRoom, '2026-03-29', '2026-03-29')).toEqual([['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']]);
    });
  });

  describe('slots', () => {
    it('leaves out a booked slot, and the next one when the buffer reaches into it', () => {
      const booked = [range('2026-06-01T05:00Z', '2026-06-01T08:00Z')];
      expect(free(laundry, '2026-06-01', '2026-06-01', { blocked: booked })).toEqual([
        ['2026-05-31T22:00:00.000Z', '2026-06-01T04:00:00.000Z'],
        ['2026-06-01T08:00:00.000Z', '2026-06-01T11:00:00.000Z'],
      ]);
      const withBuffer = [range('2026-06-01T05:00Z', '2026-06-01T08:30Z')];
      expect(free({ ...laundry, bufferMinutes: 30 }, '2026-06-01', '2026-06-01', { blocked: withBuffer })).toEqual([
        ['2026-05-31T22:00:00.000Z', '2026-06-01T04:00:00.000Z'],
      ]);
    });

    it('leaves out slots on closed weekdays, outside opening hours and in closed periods', () => {
      const hours = [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '07:00:00', closes: '13:00:00' }));
      // 2026-06-06 is a Saturday, 2026-06-07 a Sunday, 2026-06-08 a Monday closed for maintenance
      const closed = [{ during: range('2026-06-07T22:00Z', '2026-06-08T22:00Z'), reason: 'Maintenance' }];
      expect(free(laundry, '2026-06-06', '2026-06-08', { hours, closed })).toEqual([
        ['2026-06-06T05:00:00.000Z', '2026-06-06T08:00:00.000Z'],
        ['2026-06-06T08:00:00.000Z', '2026-06-06T11:00:00.000Z'],
      ]);
    });

    it('leaves out what starts within the minimum notice or beyond the booking horizon', () => {
      const now = new Date('2026-06-01T05:30:00Z');
      const resource = { ...laundry, minNoticeMinutes: 120, bookingHorizonDays: 1 };
      expect(free(resource, '2026-06-01', '2026-06-03', { now })).toEqual([
        ['2026-06-01T08:00:00.000Z', '2026-06-01T11:00:00.000Z'],
        ['2026-06-01T22:00:00.000Z', '2026-06-02T04:00:00.000Z'],
        ['2026-06-02T05:00:00.000Z', '2026-06-02T08:00:00.000Z'],
      ]);
    });
  });

  describe('range', () => {
    const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00:00', closes: '22:00:00' }));

    it('cuts bookings out of the opening hours, with the buffer before and after them', () => {
      const blocked = [range('2026-06-01T10:00Z', '2026-06-01T12:30Z')];
      expect(free({ ...partyRoom, bufferMinutes: 30 }, '2026-06-01', '2026-06-01', { hours, blocked })).toEqual([
        ['2026-06-01T06:00:00.000Z', '2026-06-01T09:30:00.000Z'],
        ['2026-06-01T12:30:00.000Z', '2026-06-01T20:00:00.000Z'],
      ]);
    });

    it('drops gaps shorter than the minimum duration and starts at the minimum notice', () => {
      const blocked = [range('2026-06-01T06:30Z', '2026-06-01T12:00Z')];
      expect(free(partyRoom, '2026-06-01', '2026-06-01', { hours, blocked })).toEqual([['2026-06-01T12:00:00.000Z', '2026-06-01T20:00:00.000Z']]);
      const now = new Date('2026-06-01T13:00:00Z');
      expect(free({ ...partyRoom, minNoticeMinutes: 60 }, '2026-06-01', '2026-06-01', { hours, blocked, now })).toEqual([
        ['2026-06-01T14:00:00.000Z', '2026-06-01T20:00:00.000Z'],
      ]);
    });
  });

  describe('the platform horizon', () => {
    const now = new Date('2026-06-01T10:00:00Z');
    const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00:00', closes: '22:00:00' }));

    it('offers nothing after the last day that opens, two years from today in Oslo, though the resource has no horizon', () => {
      expect(free(partyRoom, '2028-06-01', '2028-06-02', { hours, now })).toEqual([['2028-06-01T06:00:00.000Z', '2028-06-01T20:00:00.000Z']]);
    });

    it('offers no night that would end after that day', () => {
      expect(free(guestFlat, '2028-05-31', '2028-06-01', { now })).toEqual([['2028-05-31T13:00:00.000Z', '2028-06-01T10:00:00.000Z']]);
    });
  });

  describe('days', () => {
    it('leaves out nights that overlap a stay, a closed period or come within the notice', () => {
      const blocked = [range('2026-06-02T13:00Z', '2026-06-03T11:00Z')];
      const closed = [{ during: range('2026-06-04T00:00Z', '2026-06-04T01:00Z'), reason: 'Painting' }];
      const now = new Date('2026-06-01T10:00:00Z');
      expect(free({ ...guestFlat, minNoticeMinutes: 240 }, '2026-06-01', '2026-06-05', { blocked, closed, now })).toEqual([
        ['2026-06-04T13:00:00.000Z', '2026-06-05T10:00:00.000Z'],
        ['2026-06-05T13:00:00.000Z', '2026-06-06T10:00:00.000Z'],
      ]);
    });
  });
});

describe('slotGrid', () => {
  const grid = (resource: AvailabilityResource, from: string, to: string, input: Partial<GridInput> = {}) =>
    slotGrid({
      resource,
      hours: [],
      closed: [],
      bookings: [],
      archived: false,
      now: EARLIER,
      window: windowOfDates(from, to, resource.timeZone),
      ...input,
    }).map((s) => [s.start.toISOString(), s.end.toISOString(), s.state, s.bookingId]);
  const held = (start: string, end: string, mine: boolean, ownId: string | null = null, blockedEnd = end) => ({
    during: range(start, end),
    blocked: range(start, blockedEnd),
    mine,
    ownId,
  });

  it("gives each laundry slot its state: the viewer's own, another's, a buffer, past, closed and free", () => {
    // Monday 1 June 2026: 00–06 mine (own), 07–10 another household's with a 30-minute buffer into 10–13.
    const now = new Date('2026-06-01T05:30:00Z');
    const bookings = [
      held('2026-05-31T22:00Z', '2026-06-01T04:00Z', true, 'own-id', '2026-06-01T04:30Z'),
      held('2026-06-01T05:00Z', '2026-06-01T08:00Z', false, null, '2026-06-01T08:30Z'),
    ];
    const closed = [{ during: range('2026-06-02T03:00Z', '2026-06-02T06:00Z'), reason: 'Service' }];
    expect(grid({ ...laundry, bufferMinutes: 30 }, '2026-06-01', '2026-06-02', { now, bookings, closed })).toEqual([
      ['2026-05-31T22:00:00.000Z', '2026-06-01T04:00:00.000Z', 'MINE', 'own-id'],
      ['2026-06-01T05:00:00.000Z', '2026-06-01T08:00:00.000Z', 'TAKEN', null],
      ['2026-06-01T08:00:00.000Z', '2026-06-01T11:00:00.000Z', 'TAKEN', null],
      ['2026-06-01T22:00:00.000Z', '2026-06-02T04:00:00.000Z', 'CLOSED', null],
      ['2026-06-02T05:00:00.000Z', '2026-06-02T08:00:00.000Z', 'CLOSED', null],
      ['2026-06-02T08:00:00.000Z', '2026-06-02T11:00:00.000Z', 'FREE', null],
    ]);
    const past = grid(laundry, '2026-06-01', '2026-06-01', { now: new Date('2026-06-01T12:00:00Z') }).map((s) => s[2]);
    expect(past).toEqual(['PAST', 'PAST', 'PAST']);
  });

  it('marks free exactly the slots and nights that freeTimes offers, and none of an archived resource', () => {
    const now = new Date('2026-06-01T05:30:00Z');
    const hours = [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '07:00:00', closes: '13:00:00' }));
    const bookings = [held('2026-06-02T05:00Z', '2026-06-02T08:00Z', false), held('2026-06-03T13:00Z', '2026-06-04T10:00Z', true)];
    for (const resource of [{ ...laundry, minNoticeMinutes: 120, bookingHorizonDays: 5 }, guestFlat]) {
      const input = { hours, now, closed: [], window: windowOfDates('2026-06-01', '2026-06-10', 'Europe/Oslo') };
      const free = slotGrid({ ...input, resource, bookings, archived: false }).filter((s) => s.state === 'FREE');
      expect(iso(free)).toEqual(iso(freeTimes({ ...input, resource, blocked: bookings.map((b) => b.blocked) })));
      expect(free.length).toBeGreaterThan(0);
      expect(slotGrid({ ...input, resource, bookings, archived: true }).filter((s) => s.state === 'FREE')).toEqual([]);
    }
  });

  it("cuts a party room's day into stretches: past, free, another's booking and its buffer, mine, closed", () => {
    const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00:00', closes: '22:00:00' }));
    const now = new Date('2026-06-01T07:00:00Z');
    const bookings = [
      held('2026-06-01T10:00Z', '2026-06-01T12:00Z', false, null, '2026-06-01T12:30Z'),
      held('2026-06-01T15:00Z', '2026-06-01T17:00Z', true, 'own-id'),
    ];
    expect(grid({ ...partyRoom, bufferMinutes: 30 }, '2026-06-01', '2026-06-01', { hours, now, bookings })).toEqual([
      ['2026-05-31T22:00:00.000Z', '2026-06-01T07:00:00.000Z', 'PAST', null],
      ['2026-06-01T07:00:00.000Z', '2026-06-01T10:00:00.000Z', 'FREE', null],
      ['2026-06-01T10:00:00.000Z', '2026-06-01T12:30:00.000Z', 'TAKEN', null],
      ['2026-06-01T12:30:00.000Z', '2026-06-01T15:00:00.000Z', 'FREE', null],
      ['2026-06-01T15:00:00.000Z', '2026-06-01T17:00:00.000Z', 'MINE', 'own-id'],
      ['2026-06-01T17:00:00.000Z', '2026-06-01T20:00:00.000Z', 'FREE', null],
      ['2026-06-01T20:00:00.000Z', '2026-06-01T22:00:00.000Z', 'CLOSED', null],
    ]);
  });
});
