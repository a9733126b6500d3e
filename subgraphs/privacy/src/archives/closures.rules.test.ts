import { availableUntilInstant, closureDates, deletionDue } from './closures.rules';

describe("a terminated association's periods", () => {
  it('export due in a month, available three months from the end date, deleted 180 days after', () => {
    expect(closureDates('2026-03-01')).toEqual({ exportDueOn: '2026-04-01', availableUntil: '2026-06-01', eraseBy: '2026-11-28' });
  });

  it('clamps to the end of a shorter month', () => {
    expect(closureDates('2026-11-30')).toMatchObject({ exportDueOn: '2026-12-30', availableUntil: '2027-02-28' });
  });

  it('the export stays available through its last day in the association’s zone', () => {
    expect(availableUntilInstant('2026-06-01', 'Europe/Oslo').toISOString()).toBe('2026-06-01T22:00:00.000Z');
    expect(deletionDue(new Date('2026-06-01T21:59:59Z'), 'Europe/Oslo', '2026-06-01')).toBe(false);
    expect(deletionDue(new Date('2026-06-01T22:00:00Z'), 'Europe/Oslo', '2026-06-01')).toBe(true);
  });
});
