import { CONSENT_PURPOSES } from '@tunet/kit';
import { BUILT_IN_PURPOSES, MAX_OWN_PURPOSES, refusedPurposeChange, registerOf, versionAfter, type Purpose, type PurposeChange } from './purposes.rules';

const contact = BUILT_IN_PURPOSES.find((p) => p.key === CONSENT_PURPOSES.directoryContact)!;
const changeOf = (purpose: Purpose, patch: Partial<PurposeChange> = {}): PurposeChange => ({
  key: purpose.key,
  name: purpose.name,
  description: purpose.description,
  lawfulBasis: purpose.lawfulBasis,
  dataCategories: purpose.dataCategories,
  retention: purpose.retention,
  ...patch,
});

describe('purposes register', () => {
  it('seeds every association with the purposes other subgraphs act on, the consent ones resting on consent', () => {
    for (const key of Object.values(CONSENT_PURPOSES)) expect(BUILT_IN_PURPOSES.find((p) => p.key === key)?.lawfulBasis).toBe('consent');
    expect(new Set(BUILT_IN_PURPOSES.map((p) => p.lawfulBasis))).toEqual(new Set(['contract', 'consent', 'legal_obligation', 'legitimate_interest']));
    expect(new Set(BUILT_IN_PURPOSES.map((p) => p.key)).size).toBe(BUILT_IN_PURPOSES.length);
  });

  it("puts the board's wording of a built-in purpose in its place and its own purposes after, by key", () => {
    const reworded = { ...contact, name: { nb: 'Telefon og e-post', en: 'Phone and e-mail' }, version: 2, builtIn: true };
    const own = (key: string): Purpose => ({ ...contact, key, builtIn: false });
    const register = registerOf([own('sauna_list'), reworded, own('garden_club')]);
    expect(register.map((p) => p.key)).toEqual([...BUILT_IN_PURPOSES.map((p) => p.key), 'garden_club', 'sauna_list']);
    expect(register.find((p) => p.key === contact.key)!.name.en).toBe('Phone and e-mail');
  });

  it('keeps the lawful basis a purpose was registered with, and bounds how many an association adds', () => {
    expect(refusedPurposeChange(contact, changeOf(contact, { lawfulBasis: 'legitimate_interest' }), 0)?.field).toBe('lawfulBasis');
    expect(refusedPurposeChange(contact, changeOf(contact), MAX_OWN_PURPOSES)).toBeNull();
    expect(refusedPurposeChange(undefined, changeOf(contact, { key: 'new_one' }), MAX_OWN_PURPOSES)?.field).toBe('key');
    expect(refusedPurposeChange(undefined, changeOf(contact, { key: 'new_one' }), MAX_OWN_PURPOSES - 1)).toBeNull();
  });

  it('moves the text version on only when something people read changed', () => {
    expect(versionAfter(undefined, changeOf(contact))).toBe(1);
    expect(versionAfter(contact, changeOf(contact, { dataCategories: ['email'] }))).toBe(1);
    expect(versionAfter(contact, changeOf(contact, { description: { ...contact.description, en: 'Shown to neighbours.' } }))).toBe(2);
    expect(versionAfter({ ...contact, version: 4 }, changeOf(contact, { retention: { nb: 'Alltid', en: 'Always' } }))).toBe(5);
  });
});
