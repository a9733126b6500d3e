import { GraphQLError } from 'graphql';
import { median, reportFigures, reportPeriod, type ReportedRequest } from './reporting.rules';

function refusal(run: () => unknown): Record<string, unknown> | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return error.extensions;
    throw error;
  }
  return undefined;
}

describe('median', () => {
  it('is null for no values, the middle one for an odd count and the mean of the two middle ones for an even count', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 30, 20])).toBe(25);
    expect(median([1, 1000, 2, 3])).toBe(2.5);
  });

  it('leaves its input as it was', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('reportPeriod', () => {
  it('spans whole days in the association’s zone, across the spring change', () => {
    // March 2026 in Oslo starts in winter time (UTC+1) and ends in summer time (UTC+2, from 29 March).
    const march = reportPeriod('2026-03-01', '2026-03-31', 'Europe/Oslo');
    expect(march.start.toISOString()).toBe('2026-02-28T23:00:00.000Z');
    expect(march.end.toISOString()).toBe('2026-03-31T22:00:00.000Z');
    const day = reportPeriod('2026-10-25', '2026-10-25', 'Europe/Oslo');
    expect((day.end.getTime() - day.start.getTime()) / 3_600_000).toBe(25);
  });

  it('uses Europe/Oslo when the association names no zone or one that does not exist', () => {
    expect(reportPeriod('2026-06-01', '2026-06-30', null).timeZone).toBe('Europe/Oslo');
    expect(reportPeriod('2026-06-01', '2026-06-30', 'Mars/Olympus').start.toISOString()).toBe('2026-05-31T22:00:00.000Z');
    expect(reportPeriod('2026-06-01', '2026-06-01', 'America/New_York').start.toISOString()).toBe('2026-06-01T04:00:00.000Z');
  });

  it('takes at most 366 days, a leap year whole, and refuses an end before the start, naming `to`', () => {
    expect(reportPeriod('2024-01-01', '2024-12-31', 'Europe/Oslo').from).toBe('2024-01-01');
    expect(refusal(() => reportPeriod('2025-01-01', '2026-01-02', 'Europe/Oslo'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(refusal(() => reportPeriod('2026-05-02', '2026-05-01', 'Europe/Oslo'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });
});

describe('reportFigures', () => {
  const at = (hours: number) => new Date(Date.UTC(2026, 2, 2, 9) + hours * 3_600_000);
  const request = (status: ReportedRequest['status'], category: ReportedRequest['category'], ack: number | null, resolved: number | null): ReportedRequest => ({
    status,
    category,
    createdAt: at(0),
    firstAcknowledgedAt: ack === null ? null : at(ack),
    firstResolvedAt: resolved === null ? null : at(resolved),
  });
  // Worked by hand: acknowledged after 1, 0.5, 2 and 3 hours (the rejected one's 0.25 left out) → sorted 0.5, 1, 2, 3,
  // median (1 + 2) / 2 = 1.5 h = 5400 s; resolved after 24, 4 and 48 hours (the reopened one's first resolution) →
  // median 24 h = 86400 s.
  const fixture = [
    request('closed', 'plumbing', 1, 24),
    request('resolved', 'plumbing', 0.5, 4),
    request('in_progress', 'electrical', 2, null),
    request('new', 'outdoor', null, null),
    request('rejected', 'other', 0.25, null),
    request('in_progress', 'plumbing', 3, 48),
  ];

  it('gives the medians worked out by hand, without rejected or unacknowledged requests', () => {
    expect(reportFigures(fixture)).toMatchObject({
      total: 6,
      medianSecondsToAcknowledge: 5400,
      acknowledgedCount: 4,
      medianSecondsToResolve: 86400,
      resolvedCount: 3,
    });
  });

  it('counts every status and category, zero included', () => {
    const figures = reportFigures(fixture);
    expect(figures.byStatus).toEqual([
      { status: 'new', count: 1 },
      { status: 'acknowledged', count: 0 },
      { status: 'in_progress', count: 2 },
      { status: 'waiting', count: 0 },
      { status: 'resolved', count: 1 },
      { status: 'closed', count: 1 },
      { status: 'rejected', count: 1 },
    ]);
    expect(figures.byCategory.find((c) => c.category === 'plumbing')).toEqual({ category: 'plumbing', count: 3 });
    expect(figures.byCategory.reduce((sum, c) => sum + c.count, 0)).toBe(6);
  });

  it('has null medians over no requests', () => {
    expect(reportFigures([])).toMatchObject({ total: 0, medianSecondsToAcknowledge: null, acknowledgedCount: 0, medianSecondsToResolve: null });
  });
});
