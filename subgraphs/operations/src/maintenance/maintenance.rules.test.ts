import {
  answersRefusal,
  checklistRefusal,
  dueTimeRefusal,
  firstDueRefusal,
  intervalRefusal,
  isOverdue,
  nextOccurrence,
  occurrenceAt,
  occurrenceDate,
  titleRefusal,
  wallClockInstant,
  type Schedule,
} from './maintenance.rules';

const oslo = (schedule: Partial<Schedule>): Schedule => ({
  recurrence: 'weekly',
  intervalMonths: null,
  anchorOn: '2026-03-22',
  dueTime: '02:30',
  timeZone: 'Europe/Oslo',
  ...schedule,
});

const iso = (date: Date) => date.toISOString();

describe('wall-clock due times in Oslo across daylight saving time', () => {
  it('moves a 02:30 task on the spring-gap Sunday forward by the gap, and back to 02:30 the week after', () => {
    const weekly = oslo({ anchorOn: '2026-03-22', dueTime: '02:30' });
    // 22 March: winter time (UTC+1). 29 March: 02:00–03:00 does not exist; 02:30 is read as 03:30 summer time.
    expect([0, 1, 2].map((k) => iso(occurrenceAt(weekly, k)))).toEqual(['2026-03-22T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-04-05T00:30:00.000Z']);
  });

  it('takes the first of the two 02:30s on the autumn-overlap Sunday, once', () => {
    const weekly = oslo({ anchorOn: '2026-10-18', dueTime: '02:30' });
    // 25 October: 02:00–03:00 happens twice; the task is due at the first, still summer time (UTC+2).
    expect([0, 1, 2].map((k) => iso(occurrenceAt(weekly, k)))).toEqual(['2026-10-18T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-11-01T01:30:00.000Z']);
    expect(iso(wallClockInstant('2026-10-25', '02:30', 'Europe/Oslo'))).toBe('2026-10-25T00:30:00.000Z');
  });

  it('keeps an 01:30 task at 01:30 local time on each side of the autumn change', () => {
    const weekly = oslo({ anchorOn: '2026-10-18', dueTime: '01:30' });
    // In Oslo the repeated hour is 02:00–03:00, so 01:30 on 25 October is still summer time; a week later it is winter time.
    expect([0, 1, 2].map((k) => iso(occurrenceAt(weekly, k)))).toEqual(['2026-10-17T23:30:00.000Z', '2026-10-24T23:30:00.000Z', '2026-11-01T00:30:00.000Z']);
  });

  it('counts the due time in the association zone, not the server one', () => {
    expect(iso(wallClockInstant('2026-07-01', '08:00', 'America/New_York'))).toBe('2026-07-01T12:00:00.000Z');
    expect(iso(wallClockInstant('2026-07-01', '08:00', 'Europe/Oslo'))).toBe('2026-07-01T06:00:00.000Z');
  });
});

describe('month ends', () => {
  it('clamps a monthly task on the 31st to the end of February, and comes back to the 31st in March', () => {
    const monthly = oslo({ recurrence: 'monthly', anchorOn: '2026-01-31', dueTime: '09:00' });
    expect([0, 1, 2, 3].map((k) => occurrenceDate(monthly, k))).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
  });

  it('falls on 29 February in a leap year', () => {
    const monthly = oslo({ recurrence: 'monthly', anchorOn: '2028-01-31', dueTime: '09:00' });
    expect(occurrenceDate(monthly, 1)).toBe('2028-02-29');
  });

  it('keeps a yearly task from 29 February on 28 February in common years and on the 29th in the next leap year', () => {
    const yearly = oslo({ recurrence: 'yearly', anchorOn: '2028-02-29', dueTime: '09:00' });
    expect([0, 1, 4].map((k) => occurrenceDate(yearly, k))).toEqual(['2028-02-29', '2029-02-28', '2032-02-29']);
  });

  it('steps every N months from the anchor, clamped the same way', () => {
    const quarterly = oslo({ recurrence: 'every_n_months', intervalMonths: 3, anchorOn: '2026-11-30', dueTime: '09:00' });
    expect([0, 1, 2].map((k) => occurrenceDate(quarterly, k))).toEqual(['2026-11-30', '2027-02-28', '2027-05-30']);
  });
});

describe('the next occurrence', () => {
  const monthly = oslo({ recurrence: 'monthly', anchorOn: '2026-01-31', dueTime: '09:00' });

  it('is the following one in the schedule when the round is done on time or early', () => {
    const next = nextOccurrence(monthly, { seq: 0, completedAt: new Date('2026-01-30T12:00:00Z') });
    expect({ seq: next.seq, dueAt: iso(next.dueAt) }).toEqual({ seq: 1, dueAt: '2026-02-28T08:00:00.000Z' });
  });

  it('skips rounds already missed when the task is completed late', () => {
    const next = nextOccurrence(monthly, { seq: 0, completedAt: new Date('2026-04-10T12:00:00Z') });
    expect({ seq: next.seq, dueAt: iso(next.dueAt) }).toEqual({ seq: 3, dueAt: '2026-04-30T07:00:00.000Z' });
  });
});

describe('overdue', () => {
  const dueAt = new Date('2026-03-01T08:00:00Z');

  it('is an open occurrence past its due time', () => {
    expect(isOverdue({ dueAt, completedAt: null }, new Date('2026-03-01T07:59:59Z'))).toBe(false);
    expect(isOverdue({ dueAt, completedAt: null }, new Date('2026-03-01T08:00:01Z'))).toBe(true);
  });

  it('is never a completed one, however late', () => {
    expect(isOverdue({ dueAt, completedAt: new Date('2026-05-01T00:00:00Z') }, new Date('2026-06-01T00:00:00Z'))).toBe(false);
  });
});

describe('input', () => {
  const now = new Date('2026-12-07T12:00:00Z');

  it('refuses an empty or overlong title', () => {
    expect(titleRefusal('  ')).toMatchObject({ field: 'title' });
    expect(titleRefusal('x'.repeat(121))).toMatchObject({ field: 'title' });
    expect(titleRefusal('Brannvernrunde')).toBeNull();
  });

  it('names the checklist item that is empty or too long, and caps the number of items', () => {
    expect(checklistRefusal(['Sjekk slokkeapparat', ' '])).toMatchObject({ field: 'checklist.1' });
    expect(checklistRefusal(Array.from({ length: 31 }, () => 'punkt'))).toMatchObject({ field: 'checklist' });
    expect(checklistRefusal(['Sjekk røykvarslere'])).toBeNull();
  });

  it('takes HH:MM on the 24-hour clock only', () => {
    expect(dueTimeRefusal('24:00')).toMatchObject({ field: 'dueTime' });
    expect(dueTimeRefusal('7:30')).toMatchObject({ field: 'dueTime' });
    expect(dueTimeRefusal('07:30')).toBeNull();
  });

  it('wants N for EVERY_N_MONTHS only, within 1 to 60', () => {
    expect(intervalRefusal('every_n_months', null)).toMatchObject({ field: 'intervalMonths' });
    expect(intervalRefusal('every_n_months', 61)).toMatchObject({ field: 'intervalMonths' });
    expect(intervalRefusal('monthly', 3)).toMatchObject({ field: 'intervalMonths' });
    expect(intervalRefusal('every_n_months', 6)).toBeNull();
  });

  it('accepts a first due date from today in the association zone up to two years ahead', () => {
    // 23:30 UTC on 7 December is already 8 December in Oslo: the 7th is then in the past.
    const lateEvening = new Date('2026-12-07T23:30:00Z');
    expect(firstDueRefusal('2026-12-07', 'Europe/Oslo', lateEvening)).toMatchObject({ field: 'firstDueOn' });
    expect(firstDueRefusal('2026-12-08', 'Europe/Oslo', lateEvening)).toBeNull();
    expect(firstDueRefusal('2028-12-08', 'Europe/Oslo', now)).toMatchObject({ field: 'firstDueOn' });
    expect(firstDueRefusal('2026-02-30', 'Europe/Oslo', now)).toMatchObject({ field: 'firstDueOn' });
  });

  it('wants one answer per checklist item, with notes of bounded size', () => {
    const checklist = ['Røykvarslere', 'Slokkeapparat'];
    expect(answersRefusal(checklist, [{ done: true, note: null }])).toMatchObject({ field: 'answers' });
    expect(
      answersRefusal(checklist, [
        { done: true, note: null },
        { done: false, note: 'x'.repeat(501) },
      ]),
    ).toMatchObject({ field: 'answers.1.note' });
    expect(
      answersRefusal(checklist, [
        { done: true, note: null },
        { done: false, note: 'Tomt, bestilt nytt' },
      ]),
    ).toBeNull();
  });
});
