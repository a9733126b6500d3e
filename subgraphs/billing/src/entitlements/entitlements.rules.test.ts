import { entitlementsOf } from './entitlements.rules';
import type { FeatureEntitlement } from '../tables';

const GIB = 1024 ** 3;
const catalogue: { key: string; kind: 'base' | 'add_on'; entitlements: FeatureEntitlement[] }[] = [
  {
    key: 'base',
    kind: 'base',
    entitlements: [
      { key: 'storageBytes', kind: 'limit', value: 5 * GIB },
      { key: 'smsPerMonth', kind: 'limit', value: 0 },
    ],
  },
  { key: 'operationsCenter', kind: 'add_on', entitlements: [{ key: 'operationsCenter', kind: 'flag', value: 1 }] },
  { key: 'sms', kind: 'add_on', entitlements: [{ key: 'smsPerMonth', kind: 'limit', value: 500 }] },
  { key: 'extraStorage', kind: 'add_on', entitlements: [{ key: 'storageBytes', kind: 'limit', value: 100 * GIB }] },
];
const A = '00000000-0000-4000-8000-00000000000a';

describe('entitlementsOf', () => {
  it('grants the base plan and its limits with no subscription at all', () => {
    expect(entitlementsOf(A, [], catalogue)).toEqual({ associationId: A, features: ['base'], limits: { storageBytes: 5 * GIB, smsPerMonth: 0 } });
  });

  it('grants the base plan even when the catalogue does not list it', () => {
    expect(entitlementsOf(A, [{ feature: 'sms', status: 'active' }], catalogue.slice(1)).features).toEqual(['base', 'sms']);
  });

  it('adds trial, active and past-due add-ons, and sums their limits with the base plan', () => {
    const result = entitlementsOf(
      A,
      [
        { feature: 'extraStorage', status: 'past_due' },
        { feature: 'sms', status: 'active' },
        { feature: 'operationsCenter', status: 'trial' },
      ],
      catalogue,
    );
    expect(result.features).toEqual(['base', 'operationsCenter', 'sms', 'extraStorage']);
    expect(result.limits).toEqual({ storageBytes: 105 * GIB, smsPerMonth: 500 });
  });

  it('grants nothing for blocked and cancelled subscriptions', () => {
    const result = entitlementsOf(
      A,
      [
        { feature: 'sms', status: 'blocked' },
        { feature: 'extraStorage', status: 'cancelled' },
      ],
      catalogue,
    );
    expect(result).toEqual({ associationId: A, features: ['base'], limits: { storageBytes: 5 * GIB, smsPerMonth: 0 } });
  });

  it('ignores a subscription of a feature the catalogue does not have', () => {
    expect(entitlementsOf(A, [{ feature: 'retired', status: 'active' }], catalogue).features).toEqual(['base']);
  });
});
