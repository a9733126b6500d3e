import { nextDigestAt, nextWallClock, parseClock, quietHoursEndAfter, quietHoursOf } from './holds';

const OSLO = 'Europe/Oslo';
const at = (iso: string) => new Date(iso);
const iso = (date: Date | null) => date?.toISOString() ?? null;
const night = quietHoursOf('22:00:00', '07:00:00')!;

describe('parseClock', () => {
  it('reads HH:MM and PostgreSQL time text', () => {
    expect(parseClock('07:30')).toBe(450);
    expect(parseClock('22:00:00')).toBe(1320);
    expect(parseClock('00:00:00.000')).toBe(0);
  });

  it('refuses anything else', () => {
    expect(parseClock('24:00')).toBeNull();
    expect(parseClock('7:30')).toBeNull();
    expect(parseClock('07:60')).toBeNull();
  });
});

describe('quietHoursOf', () => {
  it('is null without both ends, or when they are equal', () => {
    expect(quietHoursOf(null, null)).toBeNull();
    expect(quietHoursOf('22:00:00', '22:00:00')).toBeNull();
  });
});

describe('quietHoursEndAfter', () => {
  it('is null outside quiet hours that pass midnight', () => {
    // 12:00 and 21:59 in Oslo (winter, UTC+1)
    expect(quietHoursEndAfter(at('2026-01-15T11:00:00Z'), OSLO, night)).toBeNull();
    expect(quietHoursEndAfter(at('2026-01-15T20:59:00Z'), OSLO, night)).toBeNull();
    expect(quietHoursEndAfter(at('2026-01-15T06:00:00Z'), OSLO, night)).toBeNull();
  });

  it('ends the next morning when it is evening, and the same morning after midnight', () => {
    expect(iso(quietHoursEndAfter(at('2026-01-15T21:00:00Z'), OSLO, night))).toBe('2026-01-16T06:00:00.000Z');
    expect(iso(quietHoursEndAfter(at('2026-01-16T02:00:00Z'), OSLO, night))).toBe('2026-01-16T06:00:00.000Z');
    expect(iso(quietHoursEndAfter(at('2026-01-16T05:59:00Z'), OSLO, night))).toBe('2026-01-16T06:00:00.000Z');
  });

  it('handles quiet hours within one day', () => {
    const afternoon = quietHoursOf('13:00', '15:30')!;
    expect(iso(quietHoursEndAfter(at('2026-07-01T11:15:00Z'), OSLO, afternoon))).toBe('2026-07-01T13:30:00.000Z');
    expect(quietHoursEndAfter(at('2026-07-01T13:30:00Z'), OSLO, afternoon)).toBeNull();
  });

  it('ends at 07:00 summer time after the spring-forward night', () => {
    // 2026-03-29 02:00 CET becomes 03:00 CEST; 23:00 CET the evening before
    expect(iso(quietHoursEndAfter(at('2026-03-28T22:00:00Z'), OSLO, night))).toBe('2026-03-29T05:00:00.000Z');
  });

  it('ends at 07:00 winter time after the fall-back night', () => {
    // 2026-10-25 03:00 CEST becomes 02:00 CET; 23:00 CEST the evening before
    expect(iso(quietHoursEndAfter(at('2026-10-24T21:00:00Z'), OSLO, night))).toBe('2026-10-25T06:00:00.000Z');
  });

  it('ends at the first 02:30 after now in the repeated hour of the fall-back night', () => {
    const short = quietHoursOf('22:00', '02:30')!;
    // 02:15 CEST, before the clock goes back: the first 02:30 (CEST) is next
    expect(iso(quietHoursEndAfter(at('2026-10-25T00:15:00Z'), OSLO, short))).toBe('2026-10-25T00:30:00.000Z');
    // 02:15 CET, the second time round: the first 02:30 is past, the second (CET) is next
    expect(iso(quietHoursEndAfter(at('2026-10-25T01:15:00Z'), OSLO, short))).toBe('2026-10-25T01:30:00.000Z');
  });

  it('ends when the clock jumps past a skipped end time', () => {
    const short = quietHoursOf('22:00', '02:30')!;
    // 02:30 does not exist on 2026-03-29; 03:30 CEST is when 02:30 CET would have been
    expect(iso(quietHoursEndAfter(at('2026-03-29T00:10:00Z'), OSLO, short))).toBe('2026-03-29T01:30:00.000Z');
  });

  it('reads the clock in the person’s own zone', () => {
    // 23:00 in New York is 05:00 the next day in Oslo: inside quiet hours there, not here
    expect(iso(quietHoursEndAfter(at('2026-01-16T04:00:00Z'), 'America/New_York', night))).toBe('2026-01-16T12:00:00.000Z');
  });

  it('falls back to Oslo for a zone it does not know', () => {
    expect(iso(quietHoursEndAfter(at('2026-01-15T21:00:00Z'), 'Nowhere/Special', night))).toBe('2026-01-16T06:00:00.000Z');
  });
});

describe('nextDigestAt', () => {
  it('is later today before the hour, tomorrow after it', () => {
    expect(iso(nextDigestAt(at('2026-01-15T05:00:00Z'), OSLO, 7))).toBe('2026-01-15T06:00:00.000Z');
    expect(iso(nextDigestAt(at('2026-01-15T06:00:00Z'), OSLO, 7))).toBe('2026-01-16T06:00:00.000Z');
    expect(iso(nextDigestAt(at('2026-01-15T12:00:00Z'), OSLO, 7))).toBe('2026-01-16T06:00:00.000Z');
  });

  it('keeps the wall-clock hour across DST changes', () => {
    expect(iso(nextDigestAt(at('2026-03-28T12:00:00Z'), OSLO, 7))).toBe('2026-03-29T05:00:00.000Z');
    expect(iso(nextDigestAt(at('2026-10-24T12:00:00Z'), OSLO, 7))).toBe('2026-10-25T06:00:00.000Z');
  });

  it('moves a digest hour the spring-forward night skips to when the clock jumps', () => {
    expect(iso(nextDigestAt(at('2026-03-28T12:00:00Z'), OSLO, 2))).toBe('2026-03-29T01:00:00.000Z');
  });
});

describe('nextWallClock', () => {
  it('is strictly after the given instant', () => {
    expect(iso(nextWallClock(at('2026-01-15T06:00:00Z'), OSLO, 7 * 60))).toBe('2026-01-16T06:00:00.000Z');
    expect(iso(nextWallClock(at('2026-01-15T05:59:59Z'), OSLO, 7 * 60))).toBe('2026-01-15T06:00:00.000Z');
  });
});
