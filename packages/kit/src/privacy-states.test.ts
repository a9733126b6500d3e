import { randomUUID } from 'node:crypto';
import { announcePrivacyStatesChanged, hasConsent, PrivacyStatesReader, restrictedSince, type PrivacyStates } from './privacy-states';
import type { FastStore } from './redis';

describe('privacy states reader', () => {
  const A = randomUUID();
  const member = randomUUID();
  let store: FastStore;
  let states: PrivacyStates;
  let reader: PrivacyStatesReader;
  let asked: number;

  beforeEach(async () => {
    store = { kind: 'memory', namespace: `test-${randomUUID()}` };
    states = { associationId: A, restricted: {}, consents: { [member]: ['directory_contact'] } };
    asked = 0;
    reader = await PrivacyStatesReader.open(store, async () => (asked++, structuredClone(states)));
  });
  afterEach(() => reader.close());

  it('sees a withdrawal on the very next read once privacy announces it, and asks privacy once meanwhile', async () => {
    expect(hasConsent(await reader.read(A), member, 'directory_contact')).toBe(true);
    expect(hasConsent(await reader.read(A), member, 'directory_contact')).toBe(true);
    expect(asked).toBe(1);

    states.consents = {};
    await announcePrivacyStatesChanged(store, A);
    expect(hasConsent(await reader.read(A), member, 'directory_contact')).toBe(false);
  });

  it('tells since when a member is restricted, and nothing of others', async () => {
    states.restricted = { [member]: '2026-12-01T10:00:00.000Z' };
    const read = await reader.read(A);
    expect(restrictedSince(read, member)).toBe('2026-12-01T10:00:00.000Z');
    expect(restrictedSince(read, randomUUID())).toBeNull();
    expect(hasConsent(read, randomUUID(), 'directory_contact')).toBe(false);
  });

  it("refuses another association's answer or a malformed one, so the caller fails closed", async () => {
    const other = await PrivacyStatesReader.open(store, async () => ({ ...states, associationId: randomUUID() }));
    const malformed = await PrivacyStatesReader.open(store, async () => ({ ...states, consents: { [member]: 'all' } }) as unknown as PrivacyStates);
    await expect(other.read(A)).rejects.toThrow('another association');
    await expect(malformed.read(A)).rejects.toThrow('unexpected shape');
    await other.close();
    await malformed.close();
  });
});
