import { fitsSchedule, type ClosedPeriodRow, type OpeningHoursRow, type ScheduleResource } from './schedule';

const laundry: ScheduleResource = {
  timeZone: 'Europe/Oslo',
  bookingMode: 'slots',
  slots: [
    { start: '00:00', end: '06:00' },
    { start: '07:00', end: '10:00' },
    { start: '10:00', end: '13:00' },
    { start: '21:00', end: '24:00' },
  ],
  minDurationMinutes: null,
  maxDurationMinutes: null,
  checkInTime: null,
  checkOutTime: null,
};
const partyRoom: ScheduleResource = { ...laundry, bookingMode: 'range', slots: [], minDurationMinutes: 60, maxDurationMinutes: 240 };
const guestFlat: ScheduleResource = { ...laundry, bookingMode: 'days', slots: [], checkInTime: '15:00:00', checkOutTime: '12:00:00' };

const range = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });
const weekdays = (opens: string, closes: string, days = [1, 2, 3, 4, 5, 6]): OpeningHoursRow[] => days.map((weekday) => ({ weekday, opens, closes }));

describe('fitsSchedule', () => {
  describe('slots', () => {
    it('accepts exactly one slot, in wall-clock time on both sides of the March change', () => {
      // Saturday 28 March is CET (+01:00), Sunday 29 March CEST (+02:00)
      expect(fitsSchedule(laundry, [], [], range('2026-03-28T06:00Z', '2026-03-28T09:00Z'))).toEqual({ ok: true });
      expect(fitsSchedule(laundry, [], [], range('2026-03-29T05:00Z', '2026-03-29T08:00Z'))).toEqual({ ok: true });
      expect(fitsSchedule(laundry, [], [], range('2026-03-29T06:00Z', '2026-03-29T09:00Z'))).toMatchObject({ ok: false });
    });

    it('gives the night slot across the change its real length: 5 hours in March, 7 in October', () => {
      expect(fitsSchedule(laundry, [], [], range('2026-03-28T23:00Z', '2026-03-29T04:00Z'))).toEqual({ ok: true });
      expect(fitsSchedule(laundry, [], [], range('2026-10-24T22:00Z', '2026-10-25T05:00Z'))).toEqual({ ok: true });
      expect(fitsSchedule(laundry, [], [], range('2026-10-24T22:00Z', '2026-10-25T04:00Z'))).toMatchObject({ ok: false });
    });

    it('ends a 24:00 slot at the next midnight', () => {
      expect(fitsSchedule(laundry, [], [], range('2026-06-01T19:00Z', '2026-06-01T22:00Z'))).toEqual({ ok: true });
    });

    it('refuses part of a slot or two slots at once, naming the slots', () => {
      const half = fitsSchedule(laundry, [], [], range('2026-06-01T05:00Z', '2026-06-01T06:30Z'));
      expect(half).toEqual({ ok: false, reason: 'NOT_A_SLOT', slots: expect.stringContaining('00:00–06:00, 07:00–10:00') });
      expect(fitsSchedule(laundry, [], [], range('2026-06-01T05:00Z', '2026-06-01T11:00Z'))).toMatchObject({ ok: false });
    });

    it('refuses a slot on a closed weekday or outside opening hours', () => {
      const hours = weekdays('07:00:00', '13:00:00');
      // 2026-06-07 is a Sunday
      expect(fitsSchedule(laundry, hours, [], range('2026-06-07T05:00Z', '2026-06-07T08:00Z'))).toEqual({
        ok: false,
        reason: 'OUTSIDE_OPENING_HOURS',
      });
      expect(fitsSchedule(laundry, hours, [], range('2026-06-06T05:00Z', '2026-06-06T08:00Z'))).toEqual({ ok: true });
      expect(fitsSchedule(laundry, hours, [], range('2026-06-06T19:00Z', '2026-06-06T22:00Z'))).toEqual({
        ok: false,
        reason: 'OUTSIDE_OPENING_HOURS',
      });
    });
  });

  describe('range', () => {
    it('accepts a duration between the minimum and the maximum within one opening interval', () => {
      const hours = weekdays('08:00:00', '22:00:00', [1, 2, 3, 4, 5, 6, 7]);
      expect(fitsSchedule(partyRoom, hours, [], range('2026-06-01T16:00Z', '2026-06-01T19:30Z'))).toEqual({ ok: true });
      expect(fitsSchedule(partyRoom, hours, [], range('2026-06-01T16:00Z', '2026-06-01T16:30Z'))).toEqual({
        ok: false,
        reason: 'DURATION_NOT_ALLOWED',
        minMinutes: 60,
        maxMinutes: 240,
      });
      expect(fitsSchedule(partyRoom, hours, [], range('2026-06-01T10:00Z', '2026-06-01T15:00Z'))).toEqual({
        ok: false,
        reason: 'DURATION_NOT_ALLOWED',
        minMinutes: 60,
        maxMinutes: 240,
      });
      expect(fitsSchedule(partyRoom, hours, [], range('2026-06-01T18:00Z', '2026-06-01T21:00Z'))).toMatchObject({ ok: false });
    });

    it('refuses a range that spans a gap between two opening intervals of a day', () => {
      const hours = [...weekdays('08:00:00', '12:00:00'), ...weekdays('13:00:00', '17:00:00')];
      expect(fitsSchedule(partyRoom, hours, [], range('2026-06-01T09:00Z', '2026-06-01T12:00Z'))).toEqual({
        ok: false,
        reason: 'OUTSIDE_OPENING_HOURS',
      });
    });

    it('lets a range run past midnight when the resource is open around the clock', () => {
      expect(fitsSchedule(partyRoom, [], [], range('2026-06-01T21:00Z', '2026-06-02T00:00Z'))).toEqual({ ok: true });
    });

    it('counts real minutes on the day clocks go back', () => {
      // 01:30 to 04:30 local on 25 October is four hours
      expect(fitsSchedule({ ...partyRoom, maxDurationMinutes: 180 }, [], [], range('2026-10-24T23:30Z', '2026-10-25T03:30Z'))).toEqual({
        ok: false,
        reason: 'DURATION_NOT_ALLOWED',
        minMinutes: 60,
        maxMinutes: 180,
      });
    });
  });

  describe('days', () => {
    it('accepts check-in on one day to check-out on a later day, across the October change', () => {
      expect(fitsSchedule(guestFlat, [], [], range('2026-10-24T13:00Z', '2026-10-26T11:00Z'))).toEqual({ ok: true });
    });

    it('names check-in, check-out and the later day when they are wrong', () => {
      expect(fitsSchedule(guestFlat, [], [], range('2026-06-01T12:00Z', '2026-06-02T10:00Z'))).toEqual({
        ok: false,
        reason: 'CHECK_IN_CHECK_OUT',
        checkIn: '15:00',
        checkOut: '12:00',
      });
      expect(fitsSchedule(guestFlat, [], [], range('2026-06-01T13:00Z', '2026-06-02T12:00Z'))).toEqual({
        ok: false,
        reason: 'CHECK_IN_CHECK_OUT',
        checkIn: '15:00',
        checkOut: '12:00',
      });
      const sameDay = { ...guestFlat, checkInTime: '09:00:00', checkOutTime: '12:00:00' };
      expect(fitsSchedule(sameDay, [], [], range('2026-06-01T07:00Z', '2026-06-01T10:00Z'))).toEqual({
        ok: false,
        reason: 'CHECK_IN_CHECK_OUT',
        checkIn: '09:00',
        checkOut: '12:00',
      });
    });
  });

  it('refuses anything overlapping a closed period, with its reason', () => {
    const closed: ClosedPeriodRow[] = [{ during: range('2026-06-01T08:00Z', '2026-06-02T00:00Z'), reason: 'Maintenance' }];
    expect(fitsSchedule(laundry, [], closed, range('2026-06-01T08:00Z', '2026-06-01T11:00Z'))).toEqual({
      ok: false,
      reason: 'CLOSED',
      closure: 'Maintenance',
    });
    expect(fitsSchedule(laundry, [], closed, range('2026-06-01T05:00Z', '2026-06-01T08:00Z'))).toEqual({ ok: true });
  });

  it('refuses a booking that does not end after it starts', () => {
    expect(fitsSchedule(partyRoom, [], [], range('2026-06-01T10:00Z', '2026-06-01T10:00Z'))).toEqual({
      ok: false,
      reason: 'END_BEFORE_START',
    });
  });
});
