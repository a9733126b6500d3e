import { requireEnv, runSubgraphProcess } from '@tunet/kit';
import { createOperationsSubgraph } from './subgraph';

/** The operations subgraph as its own process (production); members is reached at SUBGRAPH_MEMBERS_URL, billing (the sweeps' entitlements) at SUBGRAPH_BILLING_URL. */
void runSubgraphProcess({
  name: 'operations',
  defaultPort: 4007,
  create: (deps) => {
    // reservations: who booked a booking a service request is linked to (decision 0041 addendum "links").
    // billing: which associations have the operations center, for the overdue sweeps (decision 0043 addendum).
    const urls = {
      members: requireEnv('SUBGRAPH_MEMBERS_URL'),
      billing: requireEnv('SUBGRAPH_BILLING_URL'),
      reservations: requireEnv('SUBGRAPH_RESERVATIONS_URL'),
    };
    return createOperationsSubgraph({ ...deps, internalSecret: requireEnv('INTERNAL_SIGNING_SECRET'), subgraphUrls: () => urls });
  },
});
