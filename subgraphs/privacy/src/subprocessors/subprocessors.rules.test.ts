import { inForce, mayObject, objectionDeadline, providerToday, refuseEffectiveOn, type SubprocessorVersion } from './subprocessors.rules';

describe('14 days of notice for a sub-processor change', () => {
  const today = '2026-12-06';

  it('takes effect 14 days after the announcement at the earliest', () => {
    expect(refuseEffectiveOn(today, { effectiveOn: '2026-12-20', emergency: false, reason: null })).toBeNull();
    expect(refuseEffectiveOn(today, { effectiveOn: '2026-12-19', emergency: false, reason: null })).toEqual({
      field: 'effectiveOn',
      reason: 'too_soon',
      earliest: '2026-12-20',
    });
  });

  it('lets an emergency with a reason take effect today, never before', () => {
    const reason = 'The SMS provider stopped its service overnight.';
    expect(refuseEffectiveOn(today, { effectiveOn: today, emergency: true, reason })).toBeNull();
    expect(refuseEffectiveOn(today, { effectiveOn: '2026-12-05', emergency: true, reason })).toEqual({
      field: 'effectiveOn',
      reason: 'in_the_past',
      earliest: today,
    });
  });

  it('refuses an emergency without a reason', () => {
    expect(refuseEffectiveOn(today, { effectiveOn: today, emergency: true, reason: null })).toEqual({ field: 'reason', reason: 'emergency_without_reason' });
    expect(refuseEffectiveOn(today, { effectiveOn: today, emergency: true, reason: '   ' })).toEqual({ field: 'reason', reason: 'emergency_without_reason' });
  });

  it('counts days in Europe/Oslo', () => {
    expect(providerToday(new Date('2026-12-06T23:30:00Z'))).toBe('2026-12-07');
  });
});

describe('7 days to object', () => {
  it('accepts objections up to and including the seventh day after the announcement', () => {
    const deadline = objectionDeadline('2026-12-28');
    expect(deadline).toBe('2027-01-04');
    expect(mayObject('2027-01-04', deadline)).toBe(true);
    expect(mayObject('2027-01-05', deadline)).toBe(false);
  });
});

describe('the register in force', () => {
  const at = (iso: string) => new Date(iso);
  const history: (SubprocessorVersion & { name: string })[] = [
    { subprocessorId: 'fcm', change: 'added', effectiveOn: '2026-01-01', announcedAt: at('2025-12-01T10:00:00Z'), name: 'FCM' },
    { subprocessorId: 'sms', change: 'added', effectiveOn: '2026-01-01', announcedAt: at('2025-12-01T10:00:00Z'), name: 'SMS A' },
    { subprocessorId: 'sms', change: 'changed', effectiveOn: '2026-12-20', announcedAt: at('2026-12-06T10:00:00Z'), name: 'SMS B' },
    { subprocessorId: 'fcm', change: 'removed', effectiveOn: '2026-12-10', announcedAt: at('2026-11-20T10:00:00Z'), name: 'FCM' },
  ];

  it('keeps the old version until the new one takes effect', () => {
    expect(inForce(history, '2026-12-06').map((v) => v.name)).toEqual(['FCM', 'SMS A']);
    expect(inForce(history, '2026-12-20').map((v) => v.name)).toEqual(['SMS B']);
  });

  it('leaves a removed sub-processor out from its day', () => {
    expect(inForce(history, '2026-12-09').map((v) => v.name)).toContain('FCM');
    expect(inForce(history, '2026-12-10').map((v) => v.name)).not.toContain('FCM');
  });

  it('takes the later announcement of two for the same day', () => {
    const twice = [
      ...history,
      { subprocessorId: 'sms', change: 'changed' as const, effectiveOn: '2026-12-20', announcedAt: at('2026-12-07T10:00:00Z'), name: 'SMS C' },
    ];
    expect(inForce(twice, '2026-12-20').map((v) => v.name)).toEqual(['SMS C']);
  });
});
