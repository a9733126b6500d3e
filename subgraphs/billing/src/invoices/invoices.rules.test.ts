import { todayIn } from '@tunet/kit';
import {
  addDays,
  blockAfterDaysFrom,
  blocksOn,
  dueOn,
  isBlockable,
  isPastDue,
  lastBlockingDueOn,
  paidOnRefusal,
  periodStarting,
  priceForDays,
} from './invoices.rules';

describe('periods', () => {
  it('runs a monthly period to the same day of the next month', () => {
    expect(periodStarting('2026-03-15', 'month')).toEqual({ start: '2026-03-15', end: '2026-04-15' });
  });

  it('runs a yearly period to the same day of the next year', () => {
    expect(periodStarting('2026-03-15', 'year')).toEqual({ start: '2026-03-15', end: '2027-03-15' });
  });

  it('counts month ends from the first period so they do not drift', () => {
    const anchor = '2026-01-31';
    const first = periodStarting(anchor, 'month');
    const second = periodStarting(first.end, 'month', anchor);
    const third = periodStarting(second.end, 'month', anchor);
    expect([first, second, third]).toEqual([
      { start: '2026-01-31', end: '2026-02-28' },
      { start: '2026-02-28', end: '2026-03-31' },
      { start: '2026-03-31', end: '2026-04-30' },
    ]);
  });

  it('keeps a yearly period from 29 February on the last day of February', () => {
    expect(periodStarting('2028-02-29', 'year')).toEqual({ start: '2028-02-29', end: '2029-02-28' });
    expect(periodStarting('2029-02-28', 'year', '2028-02-29')).toEqual({ start: '2029-02-28', end: '2030-02-28' });
  });

  it('crosses summer time without losing a day', () => {
    expect(periodStarting('2026-03-01', 'month')).toEqual({ start: '2026-03-01', end: '2026-04-01' });
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
  });

  it('counts today in the association zone: 23:30 UTC on 31 December is already 1 January in Oslo', () => {
    const now = new Date('2026-12-31T23:30:00Z');
    expect(todayIn('Europe/Oslo', now)).toBe('2027-01-01');
    expect(todayIn('UTC', now)).toBe('2026-12-31');
  });
});

describe('due dates and blocking', () => {
  it('falls due 14 days after issue unless another term was agreed', () => {
    expect(dueOn('2026-01-01')).toBe('2026-01-15');
    expect(dueOn('2026-01-01', 30)).toBe('2026-01-31');
  });

  it('is past due from the day after the due date, and only while unpaid', () => {
    const invoice = { dueOn: '2026-01-15', paidAt: null };
    expect(isPastDue(invoice, '2026-01-15')).toBe(false);
    expect(isPastDue(invoice, '2026-01-16')).toBe(true);
    expect(isPastDue({ ...invoice, paidAt: new Date('2026-01-20T10:00:00Z') }, '2026-01-20')).toBe(false);
  });

  it('blocks after the configured number of whole days past due', () => {
    expect(blocksOn('2026-01-15', 14)).toBe('2026-01-30');
    const invoice = { dueOn: '2026-01-15', paidAt: null };
    expect(isBlockable(invoice, '2026-01-29', 14)).toBe(false);
    expect(isBlockable(invoice, '2026-01-30', 14)).toBe(true);
    expect(isBlockable(invoice, '2026-01-18', 2)).toBe(true);
    expect(isBlockable({ ...invoice, paidAt: new Date() }, '2026-03-01', 14)).toBe(false);
    expect(lastBlockingDueOn('2026-01-30', 14)).toBe('2026-01-15');
    expect(lastBlockingDueOn('2026-01-29', 14)).toBe('2026-01-14');
  });

  it('reads BILLING_BLOCK_AFTER_DAYS, refusing what is not a sensible number of days', () => {
    expect(blockAfterDaysFrom(undefined)).toBe(14);
    expect(blockAfterDaysFrom('')).toBe(14);
    expect(blockAfterDaysFrom('7')).toBe(7);
    expect(blockAfterDaysFrom('0')).toBe(0);
    expect(() => blockAfterDaysFrom('-1')).toThrow(/BILLING_BLOCK_AFTER_DAYS/);
    expect(() => blockAfterDaysFrom('2.5')).toThrow(/BILLING_BLOCK_AFTER_DAYS/);
    expect(() => blockAfterDaysFrom('a week')).toThrow(/BILLING_BLOCK_AFTER_DAYS/);
  });
});

describe('prices', () => {
  it('charges a period cut short for the days it runs', () => {
    const period = { start: '2026-04-01', end: '2026-05-01' };
    expect(priceForDays(30_000, period, '2026-04-16')).toBe(15_000);
    expect(priceForDays(30_000, period, '2026-05-01')).toBe(30_000);
    expect(priceForDays(30_000, period, '2026-03-01')).toBe(0);
  });
});

describe('payment dates', () => {
  it('accepts a payment between the issue date and today', () => {
    expect(paidOnRefusal('2026-01-10', '2026-01-01', '2026-01-20')).toBeNull();
    expect(paidOnRefusal('2026-01-01', '2026-01-01', '2026-01-01')).toBeNull();
  });

  it('refuses a payment before the invoice or in the future', () => {
    expect(paidOnRefusal('2025-12-31', '2026-01-01', '2026-01-20')).toMatch(/before the invoice/);
    expect(paidOnRefusal('2026-01-21', '2026-01-01', '2026-01-20')).toMatch(/future/);
  });
});
