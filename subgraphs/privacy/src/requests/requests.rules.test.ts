import { checkExtension, deadlineOf, describeFailure, extensionTooLate, isOverdue, retryAfterSeconds, stepsToRun } from './requests.rules';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    const { code, field } = (error as { extensions: { code?: string; field?: string } }).extensions;
    return { code, field };
  }
  return undefined;
};

describe('deadlineOf', () => {
  it('is one calendar month after the day of receipt in the association’s zone', () => {
    expect(deadlineOf(new Date('2026-03-10T10:00:00Z'), 'Europe/Oslo')).toBe('2026-04-10');
    // 23:30 UTC on 31 March is already 1 April in Oslo (summer time).
    expect(deadlineOf(new Date('2026-03-31T23:30:00Z'), 'Europe/Oslo')).toBe('2026-05-01');
    expect(deadlineOf(new Date('2026-03-31T23:30:00Z'), 'UTC')).toBe('2026-04-30');
  });

  it('ends on the last day of a shorter month', () => {
    expect(deadlineOf(new Date('2026-01-31T12:00:00Z'), 'Europe/Oslo')).toBe('2026-02-28');
    expect(deadlineOf(new Date('2028-01-31T12:00:00Z'), 'Europe/Oslo')).toBe('2028-02-29');
  });

  it('counts an extension from the receipt', () => {
    expect(deadlineOf(new Date('2026-01-31T12:00:00Z'), 'Europe/Oslo', 2)).toBe('2026-04-30');
    expect(deadlineOf(new Date('2026-11-15T12:00:00Z'), 'Europe/Oslo', 1)).toBe('2027-01-15');
  });
});

describe('isOverdue', () => {
  it('turns overdue when the deadline’s day is over in the zone', () => {
    expect(isOverdue('2026-04-10', 'Europe/Oslo', new Date('2026-04-10T21:59:00Z'))).toBe(false);
    expect(isOverdue('2026-04-10', 'Europe/Oslo', new Date('2026-04-10T22:00:00Z'))).toBe(true);
  });
});

describe('checkExtension', () => {
  it('takes 1 or 2 months, 2 in all, with a reason', () => {
    expect(checkExtension(0, 2, '  Many subgraphs hold data  ')).toBe('Many subgraphs hold data');
    expect(checkExtension(1, 1, 'More time')).toBe('More time');
    expect(codeOf(() => checkExtension(0, 3, 'x'))).toEqual({ code: 'BAD_USER_INPUT', field: 'months' });
    expect(codeOf(() => checkExtension(0, 0, 'x'))).toEqual({ code: 'BAD_USER_INPUT', field: 'months' });
    expect(codeOf(() => checkExtension(1, 2, 'x'))).toEqual({ code: 'BAD_USER_INPUT', field: 'months' });
    expect(codeOf(() => checkExtension(0, 1, '   '))).toEqual({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(codeOf(() => checkExtension(0, 1, 'x'.repeat(2001)))).toEqual({ code: 'BAD_USER_INPUT', field: 'reason' });
  });
});

describe('extensionTooLate', () => {
  it('refuses an extension once the original deadline’s day is over in the zone (GDPR art. 12(3))', () => {
    const received = new Date('2026-03-10T10:00:00Z');
    expect(extensionTooLate(received, 'Europe/Oslo', new Date('2026-04-10T21:59:00Z'))).toBe(false);
    expect(extensionTooLate(received, 'Europe/Oslo', new Date('2026-04-10T22:00:00Z'))).toBe(true);
  });
});

describe('stepsToRun', () => {
  const steps = (done: string[]) =>
    ['posts', 'privacy', 'members', 'billing'].map((subgraph) => ({ subgraph, status: done.includes(subgraph) ? ('done' as const) : ('pending' as const) }));

  it('runs every pending export step at once', () => {
    expect(stepsToRun('export', steps(['posts'])).map((s) => s.subgraph)).toEqual(['privacy', 'members', 'billing']);
  });

  it('erases in members first and alone, then the others, then privacy’s own', () => {
    expect(stepsToRun('erasure', steps([])).map((s) => s.subgraph)).toEqual(['members']);
    expect(stepsToRun('erasure', steps(['members'])).map((s) => s.subgraph)).toEqual(['posts', 'billing']);
    expect(stepsToRun('erasure', steps(['members', 'posts'])).map((s) => s.subgraph)).toEqual(['billing']);
    expect(stepsToRun('erasure', steps(['members', 'posts', 'billing'])).map((s) => s.subgraph)).toEqual(['privacy']);
    expect(stepsToRun('erasure', steps(['members', 'posts', 'billing', 'privacy']))).toEqual([]);
  });
});

describe('describeFailure', () => {
  it('names the kind of failure without the other side’s words', () => {
    expect(describeFailure({ status: 503 })).toBe('answered HTTP 503');
    expect(describeFailure({ error: Object.assign(new Error('x'), { name: 'TimeoutError' }) })).toBe('did not answer in time');
    expect(describeFailure({ error: new TypeError('fetch failed: connect ECONNREFUSED 127.0.0.1:4002') })).toBe('unreachable');
    expect(describeFailure({ error: new SyntaxError('Unexpected token < in JSON') })).toBe('answered outside the privacy contract');
  });
});

describe('retryAfterSeconds', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);

  it('lets three requests of a kind through a day, then says when the oldest of them ages out', () => {
    expect(retryAfterSeconds([hoursAgo(5), hoursAgo(1)], now)).toBe(0);
    expect(retryAfterSeconds([hoursAgo(20), hoursAgo(5), hoursAgo(1)], now)).toBe(4 * 3600);
    expect(retryAfterSeconds([hoursAgo(23), hoursAgo(20), hoursAgo(5), hoursAgo(1)], now)).toBe(4 * 3600);
  });
});
