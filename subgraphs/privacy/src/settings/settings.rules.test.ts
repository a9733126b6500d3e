import { applyChange, defaultSettings } from './settings.rules';

const ASSOCIATION = '00000000-0000-4000-8000-000000000001';
const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { extensions?: { field?: string } }).extensions?.field;
  }
  return undefined;
};

describe('applyChange', () => {
  it('changes only what is given', () => {
    const next = applyChange(defaultSettings(ASSOCIATION), { retentionMonths: 24 });
    expect(next).toMatchObject({ retentionMonths: 24, keepContent: ['posts', 'documents'], contact: null });
    expect(applyChange(next, { keepContent: ['events', 'posts', 'events'] }).keepContent).toEqual(['events', 'posts']);
  });

  it('sets and removes the contact, both fields or none', () => {
    const named = applyChange(defaultSettings(ASSOCIATION), { contactName: ' Kari Nordmann ', contactEmail: 'styret@solbakken.no' });
    expect(named.contact).toEqual({ name: 'Kari Nordmann', email: 'styret@solbakken.no' });
    expect(applyChange(named, { contactName: '', contactEmail: '' }).contact).toBeNull();
    expect(fieldOf(() => applyChange(named, { contactName: 'Kari', contactEmail: '' }))).toBe('contactEmail');
    expect(fieldOf(() => applyChange(named, { contactName: '', contactEmail: 'a@b.no' }))).toBe('contactName');
    expect(fieldOf(() => applyChange(named, { contactName: 'x'.repeat(201), contactEmail: 'a@b.no' }))).toBe('contactName');
  });

  it('keeps the retention between 1 and 60 months', () => {
    expect(fieldOf(() => applyChange(defaultSettings(ASSOCIATION), { retentionMonths: 0 }))).toBe('retentionMonths');
    expect(fieldOf(() => applyChange(defaultSettings(ASSOCIATION), { retentionMonths: 61 }))).toBe('retentionMonths');
  });
});
