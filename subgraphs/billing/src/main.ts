import { requireEnv, runSubgraphProcess } from '@tunet/kit';
import { SignedAssociationProfiles } from './associations/association-profiles';
import { createBillingSubgraph } from './subgraph';

/** The billing subgraph as its own process (production); members is reached at SUBGRAPH_MEMBERS_URL. */
void runSubgraphProcess({
  name: 'billing',
  defaultPort: 4005,
  create: (deps) => {
    const internalSecret = requireEnv('INTERNAL_SIGNING_SECRET');
    const members = requireEnv('SUBGRAPH_MEMBERS_URL');
    return createBillingSubgraph({
      ...deps,
      associationProfiles: new SignedAssociationProfiles(() => members, internalSecret),
    });
  },
});
