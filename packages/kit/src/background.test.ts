import { reminderSweepIntervalMs } from './background';

describe('reminderSweepIntervalMs', () => {
  const saved = process.env.REMINDER_SWEEP_INTERVAL_MS;
  afterEach(() => {
    if (saved === undefined) delete process.env.REMINDER_SWEEP_INTERVAL_MS;
    else process.env.REMINDER_SWEEP_INTERVAL_MS = saved;
  });

  it('is a minute unless REMINDER_SWEEP_INTERVAL_MS says otherwise', () => {
    delete process.env.REMINDER_SWEEP_INTERVAL_MS;
    expect(reminderSweepIntervalMs()).toBe(60_000);
    process.env.REMINDER_SWEEP_INTERVAL_MS = '5000';
    expect(reminderSweepIntervalMs()).toBe(5000);
    process.env.REMINDER_SWEEP_INTERVAL_MS = '3600000';
    expect(reminderSweepIntervalMs()).toBe(3_600_000);
  });

  it('refuses what would make every replica sweep in a busy loop (below a second, or past what a timer holds), more than an hour, or not a number', () => {
    for (const value of ['0', '999', '5s', '-1', '1e4', '3600001', '2147483648']) {
      process.env.REMINDER_SWEEP_INTERVAL_MS = value;
      expect(() => reminderSweepIntervalMs()).toThrow(/REMINDER_SWEEP_INTERVAL_MS must be a whole number of milliseconds/);
    }
  });
});
