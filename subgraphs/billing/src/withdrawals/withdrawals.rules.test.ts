import { earliestWithdrawalEnd, givesEnoughNotice, todayInOslo } from './withdrawals.rules';

describe('three months of notice for a withdrawal', () => {
  it('is the same day three calendar months later', () => {
    expect(earliestWithdrawalEnd('2026-12-06')).toBe('2027-03-06');
    expect(givesEnoughNotice('2026-12-06', '2027-03-06')).toBe(true);
    expect(givesEnoughNotice('2026-12-06', '2027-03-05')).toBe(false);
  });

  it('ends on the last day of a shorter month', () => {
    expect(earliestWithdrawalEnd('2026-11-30')).toBe('2027-02-28');
    expect(earliestWithdrawalEnd('2027-11-30')).toBe('2028-02-29');
  });

  it('counts from the date in Europe/Oslo, not UTC', () => {
    // 23:30 UTC on 31 December is already 1 January in Oslo.
    expect(todayInOslo(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(todayInOslo(new Date('2026-06-30T21:59:00Z'))).toBe('2026-06-30');
    expect(todayInOslo(new Date('2026-06-30T22:00:00Z'))).toBe('2026-07-01');
  });
});
