import { clocksOf, refuseReportedAt, refuseSuspectedAt } from './breaches.rules';

const suspectedAt = new Date('2026-12-06T08:00:00Z');
const hours = (n: number) => new Date(suspectedAt.getTime() + n * 3_600_000);

describe("the provider's 24 hours to tell the association", () => {
  it('runs from the suspicion and is overdue at 24 hours untold', () => {
    expect(clocksOf({ suspectedAt, notifiedAt: null, authorityDoneAt: null }, hours(23.99))[0]).toMatchObject({ state: 'running', dueAt: hours(24) });
    expect(clocksOf({ suspectedAt, notifiedAt: null, authorityDoneAt: null }, hours(24))[0].state).toBe('overdue');
  });

  it('is done in time or late once the association is told', () => {
    expect(clocksOf({ suspectedAt, notifiedAt: hours(24), authorityDoneAt: null }, hours(30))[0].state).toBe('done');
    expect(clocksOf({ suspectedAt, notifiedAt: hours(25), authorityDoneAt: null }, hours(30))[0].state).toBe('late');
  });
});

describe("the association's 72 hours to tell Datatilsynet", () => {
  it('has not started before the association is told', () => {
    expect(clocksOf({ suspectedAt, notifiedAt: null, authorityDoneAt: null }, hours(200))[1]).toEqual({
      clock: 'notify_authority',
      dueAt: null,
      doneAt: null,
      state: 'not_started',
    });
  });

  it('runs 72 hours from when the association was told, not from the suspicion', () => {
    const told = { suspectedAt, notifiedAt: hours(20), authorityDoneAt: null };
    expect(clocksOf(told, hours(91))[1]).toMatchObject({ state: 'running', dueAt: hours(92) });
    expect(clocksOf(told, hours(92))[1].state).toBe('overdue');
    expect(clocksOf({ ...told, authorityDoneAt: hours(92) }, hours(100))[1].state).toBe('done');
    expect(clocksOf({ ...told, authorityDoneAt: hours(93) }, hours(100))[1].state).toBe('late');
  });
});

describe('dates a person enters', () => {
  it('refuses a suspicion in the future or more than a year back', () => {
    expect(refuseSuspectedAt(hours(1), suspectedAt)).toMatch(/future/);
    expect(refuseSuspectedAt(new Date('2025-12-01T00:00:00Z'), suspectedAt)).toMatch(/year/);
    expect(refuseSuspectedAt(hours(-5), suspectedAt)).toBeNull();
  });

  it('refuses a report before the association was told or in the future', () => {
    expect(refuseReportedAt(hours(1), hours(2), hours(10))).toMatch(/before/);
    expect(refuseReportedAt(hours(11), hours(2), hours(10))).toMatch(/future/);
    expect(refuseReportedAt(hours(5), hours(2), hours(10))).toBeNull();
  });
});
