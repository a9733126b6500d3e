import { deadlinesFrom, defaultHours, hoursFor, hoursRefusal, isRequestOverdue, missedDeadline } from './deadlines.rules';

describe('service request deadlines', () => {
  it('defaults to 2 and 24 hours for urgent faults, 2 days to answer and 7 or 14 days to fix for others', () => {
    expect(defaultHours('plumbing', 'urgent')).toEqual({ responseHours: 2, resolutionHours: 24 });
    expect(defaultHours('heating_ventilation', 'normal')).toEqual({ responseHours: 48, resolutionHours: 168 });
    expect(defaultHours('outdoor', 'normal')).toEqual({ responseHours: 48, resolutionHours: 336 });
  });

  it("takes the board's hours for its category and urgency, and the default for the rest", () => {
    const board = [{ category: 'outdoor' as const, urgency: 'normal' as const, responseHours: 24, resolutionHours: 72 }];
    expect(hoursFor('outdoor', 'normal', board)).toEqual({ responseHours: 24, resolutionHours: 72, isDefault: false });
    expect(hoursFor('outdoor', 'urgent', board)).toEqual({ responseHours: 2, resolutionHours: 24, isDefault: true });
  });

  it('counts elapsed hours from the report, across the autumn change too', () => {
    // 25 October 2026: Oslo's clocks go back an hour; 24 hours later is 23:00 local time, still 24 hours.
    const reportedAt = new Date('2026-10-24T22:00:00Z');
    expect(deadlinesFrom(reportedAt, { responseHours: 2, resolutionHours: 24 })).toEqual({
      responseDueAt: new Date('2026-10-25T00:00:00Z'),
      resolutionDueAt: new Date('2026-10-25T22:00:00Z'),
    });
  });

  it('is overdue on the response while nobody acknowledged it, on the resolution while open, and never once done', () => {
    const due = { responseDueAt: new Date('2026-12-01T10:00:00Z'), resolutionDueAt: new Date('2026-12-02T10:00:00Z') };
    const at = (iso: string) => new Date(iso);
    expect(missedDeadline({ status: 'new', ...due }, at('2026-12-01T09:59:00Z'))).toBeNull();
    expect(missedDeadline({ status: 'new', ...due }, at('2026-12-01T10:01:00Z'))).toBe('response');
    expect(missedDeadline({ status: 'acknowledged', ...due }, at('2026-12-01T10:01:00Z'))).toBeNull();
    expect(missedDeadline({ status: 'waiting', ...due }, at('2026-12-02T10:01:00Z'))).toBe('resolution');
    for (const status of ['resolved', 'closed', 'rejected'] as const) expect(isRequestOverdue({ status, ...due }, at('2027-01-01T00:00:00Z'))).toBe(false);
    expect(isRequestOverdue({ status: 'new', responseDueAt: null, resolutionDueAt: null }, at('2027-01-01T00:00:00Z'))).toBe(false);
  });

  it('refuses hours that are not whole, out of range, or an answer later than the fix', () => {
    expect(hoursRefusal({ responseHours: 0, resolutionHours: 24 })).toMatchObject({ field: 'responseHours' });
    expect(hoursRefusal({ responseHours: 2, resolutionHours: 8761 })).toMatchObject({ field: 'resolutionHours' });
    expect(hoursRefusal({ responseHours: 1.5, resolutionHours: 24 })).toMatchObject({ field: 'responseHours' });
    expect(hoursRefusal({ responseHours: 48, resolutionHours: 24 })).toMatchObject({ field: 'responseHours' });
    expect(hoursRefusal({ responseHours: 4, resolutionHours: 48 })).toBeNull();
  });
});
