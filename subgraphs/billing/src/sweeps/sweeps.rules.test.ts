import { atPeriodEnd, atTrialEnd, atWithdrawalEnd, becomesBlocked, becomesPastDue, statusWhenPaid, type SubscriptionTerms } from './sweeps.rules';

const active = (overrides: Partial<SubscriptionTerms> = {}): SubscriptionTerms => ({
  status: 'active',
  trialEndsOn: null,
  periodStart: '2026-01-31',
  periodEnd: '2026-02-28',
  anchorOn: '2026-01-31',
  period: 'month',
  priceOre: 49_900,
  autoRenew: true,
  paymentTermDays: 14,
  ...overrides,
});

const trial = (overrides: Partial<SubscriptionTerms> = {}): SubscriptionTerms =>
  active({ status: 'trial', trialEndsOn: '2026-03-01', periodStart: null, periodEnd: null, anchorOn: null, ...overrides });

describe('trial end', () => {
  it('waits until the trial is over', () => {
    expect(atTrialEnd(trial(), '2026-02-28')).toBeNull();
  });

  it('starts the first paid period with its invoice on the day the trial ends', () => {
    expect(atTrialEnd(trial(), '2026-03-01')).toEqual({
      kind: 'renew',
      period: { start: '2026-03-01', end: '2026-04-01' },
      amountOre: 49_900,
      issuedOn: '2026-03-01',
      dueOn: '2026-03-15',
    });
  });

  it('issues a late sweep’s invoice today, so the association still gets the whole payment term', () => {
    const renewal = atTrialEnd(trial(), '2026-03-03');
    expect(renewal).toMatchObject({ period: { start: '2026-03-01', end: '2026-04-01' }, issuedOn: '2026-03-03', dueOn: '2026-03-17' });
  });

  it('ends a trial cancelled during the trial without an invoice', () => {
    expect(atTrialEnd(trial({ autoRenew: false }), '2026-03-01')).toEqual({ kind: 'end', reason: 'trial_ended' });
  });

  it('ends a trial whose add-on is withdrawn by then', () => {
    expect(atTrialEnd(trial(), '2026-03-01', '2026-03-01')).toEqual({ kind: 'end', reason: 'withdrawn' });
  });

  it('leaves a subscription that is not in trial alone', () => {
    expect(atTrialEnd(active({ trialEndsOn: '2026-01-01' }), '2026-03-01')).toBeNull();
  });
});

describe('period end', () => {
  it('waits until the period is over', () => {
    expect(atPeriodEnd(active(), '2026-02-27')).toBeNull();
  });

  it('renews for one more period at the price recorded when subscribing, counted from the first period', () => {
    expect(atPeriodEnd(active(), '2026-02-28')).toEqual({
      kind: 'renew',
      period: { start: '2026-02-28', end: '2026-03-31' },
      amountOre: 49_900,
      issuedOn: '2026-02-28',
      dueOn: '2026-03-14',
    });
  });

  it('renews a yearly subscription for a year', () => {
    const yearly = active({ period: 'year', periodStart: '2026-01-01', periodEnd: '2027-01-01', anchorOn: '2026-01-01', priceOre: 500_000 });
    expect(atPeriodEnd(yearly, '2027-01-01')).toMatchObject({ period: { start: '2027-01-01', end: '2028-01-01' }, amountOre: 500_000 });
  });

  it('renews past-due and blocked subscriptions too: the agreement runs until it is cancelled', () => {
    expect(atPeriodEnd(active({ status: 'past_due' }), '2026-02-28')).toMatchObject({ kind: 'renew' });
    expect(atPeriodEnd(active({ status: 'blocked' }), '2026-02-28')).toMatchObject({ kind: 'renew' });
  });

  it('ends a cancelled subscription when its paid period ends, not before', () => {
    expect(atPeriodEnd(active({ autoRenew: false }), '2026-02-27')).toBeNull();
    expect(atPeriodEnd(active({ autoRenew: false }), '2026-02-28')).toEqual({ kind: 'end', reason: 'cancelled' });
  });

  it('cuts the last period short at a withdrawal and charges only its days', () => {
    const march = active({ periodStart: '2026-02-01', periodEnd: '2026-03-01', anchorOn: '2026-01-01', priceOre: 31_000 });
    expect(atPeriodEnd(march, '2026-03-01', '2026-03-11')).toMatchObject({ period: { start: '2026-03-01', end: '2026-03-11' }, amountOre: 10_000 });
  });

  it('does not renew when the withdrawal ends the add-on at the period end', () => {
    expect(atPeriodEnd(active(), '2026-02-28', '2026-02-28')).toEqual({ kind: 'end', reason: 'withdrawn' });
  });

  it('leaves trials and cancelled subscriptions alone', () => {
    expect(atPeriodEnd(active({ status: 'trial' }), '2026-03-01')).toBeNull();
    expect(atPeriodEnd(active({ status: 'cancelled' }), '2026-03-01')).toBeNull();
  });
});

describe('withdrawal end', () => {
  it('ends every live subscription on the end date, not before', () => {
    expect(atWithdrawalEnd({ status: 'active' }, '2026-06-30', '2026-07-01')).toBeNull();
    for (const status of ['trial', 'active', 'past_due', 'blocked'] as const) {
      expect(atWithdrawalEnd({ status }, '2026-07-01', '2026-07-01')).toEqual({ kind: 'end', reason: 'withdrawn' });
    }
    expect(atWithdrawalEnd({ status: 'cancelled' }, '2026-07-01', '2026-07-01')).toBeNull();
  });
});

describe('unpaid invoices', () => {
  const unpaid = { dueOn: '2026-01-15', paidAt: null };

  it('makes an active add-on past due the day after the due date, saying when it blocks', () => {
    expect(becomesPastDue('active', unpaid, '2026-01-15', 14)).toBeNull();
    expect(becomesPastDue('active', unpaid, '2026-01-16', 14)).toEqual({ blocksOn: '2026-01-30' });
    expect(becomesPastDue('past_due', unpaid, '2026-01-16', 14)).toBeNull();
    expect(becomesPastDue('active', { ...unpaid, paidAt: new Date() }, '2026-01-16', 14)).toBeNull();
  });

  it('blocks a past-due add-on after the configured days', () => {
    expect(becomesBlocked('past_due', unpaid, '2026-01-29', 14)).toBe(false);
    expect(becomesBlocked('past_due', unpaid, '2026-01-30', 14)).toBe(true);
    expect(becomesBlocked('active', unpaid, '2026-01-30', 14)).toBe(false);
  });

  it('reopens a past-due or blocked add-on when paid, unless another invoice is overdue', () => {
    expect(statusWhenPaid('blocked', [], '2026-02-01', 14)).toBe('active');
    expect(statusWhenPaid('past_due', [{ dueOn: '2026-02-10', paidAt: null }], '2026-02-01', 14)).toBe('active');
    expect(statusWhenPaid('past_due', [{ dueOn: '2026-01-20', paidAt: null }], '2026-02-01', 14)).toBeNull();
    expect(statusWhenPaid('blocked', [{ dueOn: '2026-01-10', paidAt: null }], '2026-02-01', 14)).toBeNull();
    expect(statusWhenPaid('active', [], '2026-02-01', 14)).toBeNull();
    expect(statusWhenPaid('cancelled', [], '2026-02-01', 14)).toBeNull();
  });

  it('lifts a block when the invoice that caused it is paid, leaving the add-on past due for a later overdue one', () => {
    const renewal = { dueOn: '2026-02-15', paidAt: null };
    expect(statusWhenPaid('blocked', [renewal], '2026-02-17', 14)).toBe('past_due');
    expect(statusWhenPaid('blocked', [renewal], '2026-03-01', 14)).toBe('past_due');
    expect(statusWhenPaid('blocked', [renewal], '2026-03-02', 14)).toBeNull();
    expect(statusWhenPaid('past_due', [renewal], '2026-03-02', 14)).toBeNull();
  });
});
