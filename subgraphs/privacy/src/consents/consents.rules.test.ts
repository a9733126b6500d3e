import { BUILT_IN_PURPOSES } from '../purposes/purposes.rules';
import { consentStates, isRepeat, latestChanges, refusedGrant, refusedPurpose, type ConsentRecord } from './consents.rules';

const purpose = (key: string) => BUILT_IN_PURPOSES.find((p) => p.key === key)!;
const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 12, minute));
const change = (purposeKey: string, action: ConsentRecord['action'], minute: number, textVersion = 1): ConsentRecord => ({
  purposeKey,
  action,
  textVersion,
  origin: 'person',
  at: at(minute),
});

describe('consents', () => {
  it('is the latest change per purpose, whatever order the history comes in', () => {
    const history = [change('newsletters', 'granted', 1), change('directory_contact', 'granted', 2), change('newsletters', 'withdrawn', 3)];
    const latest = latestChanges([...history].reverse());
    expect(latest.get('newsletters')?.action).toBe('withdrawn');
    expect(latest.get('directory_contact')?.action).toBe('granted');
  });

  it('lists every consent purpose of the register and none of another basis', () => {
    const states = consentStates(BUILT_IN_PURPOSES, [change('directory_contact', 'granted', 1)]);
    expect(states.map((s) => [s.purposeKey, s.granted])).toEqual([
      ['directory_contact', true],
      ['directory_portrait', false],
      ['newsletters', false],
    ]);
    expect(states.find((s) => s.purposeKey === 'newsletters')!.latest).toBeNull();
  });

  it('refuses consent to an unknown purpose or one resting on another basis, and a grant of words the person was not shown', () => {
    expect(refusedPurpose(undefined)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'purpose' });
    expect(refusedPurpose(purpose('bookings'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'purpose' });
    expect(refusedGrant(purpose('accounting'), 1)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(refusedGrant({ ...purpose('newsletters'), version: 3 }, 2)).toMatchObject({ code: 'CONFLICT' });
    expect(refusedGrant(purpose('newsletters'), 1)).toBeNull();
  });

  it('records nothing for a change that repeats the state, but records a grant of newer words', () => {
    expect(isRepeat(undefined, 'withdrawn', 1)).toBe(false);
    expect(isRepeat(change('newsletters', 'withdrawn', 1), 'withdrawn', 2)).toBe(true);
    expect(isRepeat(change('newsletters', 'granted', 1), 'granted', 1)).toBe(true);
    expect(isRepeat(change('newsletters', 'granted', 1), 'granted', 2)).toBe(false);
    expect(isRepeat(change('newsletters', 'granted', 1), 'withdrawn', 1)).toBe(false);
  });
});
