import { currentVersion, earliestEffectiveOn, isAcceptable, isEffectiveOnAllowed, mustAcceptBy, nextVersion, termsToday } from './terms.rules';

describe('terms rules', () => {
  it('counts one calendar month from today in Oslo', () => {
    expect(earliestEffectiveOn(new Date('2026-12-06T10:00:00Z'))).toBe('2027-01-06');
    // 23:30 UTC on 6 December is already 7 December in Oslo.
    expect(earliestEffectiveOn(new Date('2026-12-06T23:30:00Z'))).toBe('2027-01-07');
    expect(earliestEffectiveOn(new Date('2027-01-31T12:00:00Z'))).toBe('2027-02-28');
    expect(isEffectiveOnAllowed('2027-01-06', new Date('2026-12-06T10:00:00Z'))).toBe(true);
    expect(isEffectiveOnAllowed('2027-01-05', new Date('2026-12-06T10:00:00Z'))).toBe(false);
    expect(termsToday(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
  });

  const versions = [
    { version: 'a', effectiveOn: '2026-01-01' },
    { version: 'b', effectiveOn: '2026-06-01' },
    { version: 'c', effectiveOn: '2027-01-06' },
  ];

  it('finds the version in effect and the next one', () => {
    expect(currentVersion(versions, '2025-12-31')).toBeNull();
    expect(currentVersion(versions, '2026-06-01')?.version).toBe('b');
    expect(nextVersion(versions, '2026-06-01')?.version).toBe('c');
    expect(nextVersion(versions, '2027-01-06')).toBeNull();
  });

  it('asks for the earliest version in effect or coming that is not accepted; a superseded one no longer counts', () => {
    expect(mustAcceptBy(versions, new Set(), '2026-12-06')).toBe('2026-06-01');
    expect(mustAcceptBy(versions, new Set(['b']), '2026-12-06')).toBe('2027-01-06');
    expect(mustAcceptBy(versions, new Set(['b', 'c']), '2026-12-06')).toBeNull();
    expect(isAcceptable(versions, 'a', '2026-12-06')).toBe(false);
    expect(isAcceptable(versions, 'b', '2026-12-06')).toBe(true);
    expect(isAcceptable(versions, 'c', '2026-12-06')).toBe(true);
    expect(isAcceptable(versions, 'z', '2026-12-06')).toBe(false);
  });
});
