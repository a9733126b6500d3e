import { smsAllowance, smsMonthOf } from './sms-quota.rules';

describe('smsAllowance', () => {
  it('gives the summed monthly limit only with the SMS add-on', () => {
    expect(smsAllowance({ features: ['base', 'sms'], limits: { smsPerMonth: 500 } })).toEqual({ subscribed: true, perMonth: 500 });
    expect(smsAllowance({ features: ['base'], limits: { smsPerMonth: 500 } })).toEqual({ subscribed: false, perMonth: 0 });
    expect(smsAllowance({ features: ['base', 'sms'], limits: {} })).toEqual({ subscribed: true, perMonth: 0 });
  });
});

describe('smsMonthOf', () => {
  it('counts in the association’s time zone, not UTC', () => {
    // 23:30 UTC on 28 February is 00:30 on 1 March in Oslo.
    expect(smsMonthOf(new Date('2027-02-28T23:30:00Z'), 'Europe/Oslo')).toBe('2027-03-01');
    expect(smsMonthOf(new Date('2027-02-28T23:30:00Z'), 'UTC')).toBe('2027-02-01');
    expect(smsMonthOf(new Date('2027-02-28T23:30:00Z'), 'Not/A_Zone')).toBe('2027-03-01');
  });
});
