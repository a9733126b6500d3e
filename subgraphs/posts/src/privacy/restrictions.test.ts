import { errorReasons } from '@tunet/kit';
import type { GraphQLError } from 'graphql';
import { restrictionsFrom } from './restrictions';

describe('restrictions while privacy cannot answer', () => {
  it('refuses posting with a reason the gateway renders in nb and en, naming privacy', async () => {
    const restrictions = restrictionsFrom({ read: async () => Promise.reject(new TypeError('fetch failed')) } as never);

    const refused = await restrictions.isRestricted(crypto.randomUUID(), crypto.randomUUID()).then(
      () => null,
      (error: GraphQLError) => error,
    );

    expect(refused?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'POSTING_PRIVACY_UNCHECKED', serviceName: 'privacy' });
    expect(errorReasons.POSTING_PRIVACY_UNCHECKED.nb()).toMatch(/personverninnstillingene/);
  });
});
