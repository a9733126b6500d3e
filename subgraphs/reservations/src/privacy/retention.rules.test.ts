import { chargeKeptUntil, chargesDueBefore } from './retention.rules';

const OSLO = 'Europe/Oslo';

describe('charge retention (bokføringsloven § 13)', () => {
  it('keeps a charge until the end of the fifth year after its fiscal year, in the association time zone', () => {
    expect(chargeKeptUntil(new Date('2026-03-01T12:00:00Z'), OSLO)).toBe('2031-12-31');
    // 23:30 UTC on New Year's Eve is already the next year in Oslo.
    expect(chargeKeptUntil(new Date('2026-12-31T23:30:00Z'), OSLO)).toBe('2032-12-31');
  });

  it('makes a charge due on the first day after it was kept until', () => {
    const due = (now: string, charge: string) => new Date(charge) < chargesDueBefore(new Date(now), OSLO);
    expect(due('2031-12-31T22:59:00Z', '2026-03-01T12:00:00Z')).toBe(false);
    expect(due('2031-12-31T23:00:00Z', '2026-03-01T12:00:00Z')).toBe(true);
    expect(due('2032-06-01T00:00:00Z', '2026-12-31T23:30:00Z')).toBe(false);
    expect(chargesDueBefore(new Date('2032-06-01T00:00:00Z'), OSLO).toISOString()).toBe('2026-12-31T23:00:00.000Z');
  });
});
