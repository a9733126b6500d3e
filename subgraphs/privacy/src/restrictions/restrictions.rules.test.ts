import { lastChangedOn, isMaterial } from '../notices/notices.rules';
import { refusedLift, refusedRestrictionChange, restrictionInForce, type RestrictionRecord } from './restrictions.rules';

const change = (action: RestrictionRecord['action'], minute: number): RestrictionRecord => ({
  memberId: 'm',
  action,
  reason: `${action} at ${minute}`,
  actor: 'self',
  at: new Date(Date.UTC(2026, 11, 6, 12, minute)),
});

describe('restriction of processing', () => {
  it('is in force while the latest change set it', () => {
    expect(restrictionInForce([])).toBeNull();
    expect(restrictionInForce([change('lifted', 3), change('set', 1)])).toBeNull();
    expect(restrictionInForce([change('set', 1), change('lifted', 2), change('set', 4)])?.reason).toBe('set at 4');
  });

  it('leaves a restriction the person set theirs to lift; one the board set anyone may lift', () => {
    expect(refusedLift(change('set', 1), 'board')).toMatch(/themself/);
    expect(refusedLift(change('set', 1), 'operator')).toMatch(/themself/);
    expect(refusedLift(change('set', 1), 'self')).toBeNull();
    expect(refusedLift({ ...change('set', 1), actor: 'board' }, 'board')).toBeNull();
    expect(refusedLift({ ...change('set', 1), actor: 'board' }, 'self')).toBeNull();
  });

  it('refuses setting one in force again and lifting none', () => {
    expect(refusedRestrictionChange(change('set', 1), 'set')).toMatch(/already/);
    expect(refusedRestrictionChange(null, 'lifted')).toMatch(/not restricted/);
    expect(refusedRestrictionChange(null, 'set')).toBeNull();
    expect(refusedRestrictionChange(change('set', 1), 'lifted')).toBeNull();
  });
});

describe('privacy notices', () => {
  it("dates a notice by the association's day, not the UTC day", () => {
    expect(lastChangedOn(new Date('2026-12-06T23:30:00Z'), 'Europe/Oslo')).toBe('2026-12-07');
    expect(lastChangedOn(new Date('2026-12-06T23:30:00Z'), 'UTC')).toBe('2026-12-06');
  });

  it('sends the first notice to everyone, later ones when material', () => {
    expect(isMaterial(null, false)).toBe(true);
    expect(isMaterial(1, false)).toBe(false);
    expect(isMaterial(1, true)).toBe(true);
  });
});
