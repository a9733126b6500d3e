import { breachEnd, dayIn, earliestProviderEnd, endDateRefusal, remedyBy, remedyHasPassed } from './agreement.rules';

describe('agreement rules', () => {
  it("counts the day in the association's zone", () => {
    const lateEvening = new Date('2026-12-06T23:30:00Z');
    expect(dayIn('Europe/Oslo', lateEvening)).toBe('2026-12-07');
    expect(dayIn('America/New_York', lateEvening)).toBe('2026-12-06');
  });

  it("holds the provider to 3 calendar months' notice, to the day", () => {
    expect(earliestProviderEnd('2026-12-06')).toBe('2027-03-06');
    // A month without the day ends on its last day.
    expect(earliestProviderEnd('2026-11-30')).toBe('2027-02-28');
    expect(endDateRefusal('provider', '2027-03-05', '2026-12-06')).toMatch(/earliest end is 2027-03-06/);
    expect(endDateRefusal('provider', '2027-03-06', '2026-12-06')).toBeNull();
  });

  it('lets the board end on any day from today, and nobody on a past one', () => {
    expect(endDateRefusal('board', '2026-12-06', '2026-12-06')).toBeNull();
    expect(endDateRefusal('board', '2026-12-05', '2026-12-06')).toMatch(/passed/);
    expect(endDateRefusal('provider', '2026-12-05', '2026-12-06')).toMatch(/passed/);
    expect(endDateRefusal('board', '2032-01-01', '2026-12-06')).toMatch(/within 5 years/);
  });

  it('gives 5 working days to remedy, weekends and Norwegian public holidays not counted', () => {
    expect(remedyBy('2026-12-07')).toBe('2026-12-14'); // Monday → the next Monday
    expect(remedyBy('2026-12-05')).toBe('2026-12-11'); // Saturday → Friday
    expect(remedyBy('2026-12-18')).toBe('2026-12-28'); // Christmas Day on Friday
    expect(remedyBy('2026-03-31')).toBe('2026-04-10'); // Easter 2026: Maundy Thursday to Easter Monday
    expect(remedyBy('2026-05-12')).toBe('2026-05-20'); // Ascension Day 14 May 2026
  });

  it('allows a block for an unremedied breach only after its last day', () => {
    expect(remedyHasPassed('2026-12-14', '2026-12-14')).toBe(false);
    expect(remedyHasPassed('2026-12-14', '2026-12-15')).toBe(true);
  });

  it('ends the agreement 7 days after a block', () => {
    expect(breachEnd('2026-12-28')).toBe('2027-01-04');
  });
});
