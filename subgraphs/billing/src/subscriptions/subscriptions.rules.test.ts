import { missingLegalDetails, trialEndProblem } from './subscriptions.rules';

describe('missingLegalDetails', () => {
  const complete = { name: 'Solbakken', orgNumber: '914778271', postalAddress: { street: 'Vei 1', postalCode: '0570', city: 'Oslo' }, contactEmail: 'a@b.no' };

  it('names nothing when every detail is there', () => {
    expect(missingLegalDetails(complete)).toEqual([]);
  });

  it('names each missing detail', () => {
    expect(missingLegalDetails({ ...complete, orgNumber: null, postalAddress: null, contactEmail: null })).toEqual([
      'orgNumber',
      'postalAddress',
      'contactEmail',
    ]);
  });
});

describe('trialEndProblem', () => {
  it('takes an end after today up to a year ahead', () => {
    expect(trialEndProblem('2026-12-06', '2026-12-07')).toBeNull();
    expect(trialEndProblem('2026-12-06', '2027-12-07')).toBeNull();
  });

  it('refuses today, the past and more than a year ahead', () => {
    expect(trialEndProblem('2026-12-06', '2026-12-06')).toMatch(/after today/);
    expect(trialEndProblem('2026-12-06', '2026-01-01')).toMatch(/after today/);
    expect(trialEndProblem('2026-12-06', '2027-12-08')).toMatch(/2027-12-07 at the latest/);
  });
});
