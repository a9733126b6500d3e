import { requireEnv, runSubgraphProcess } from '@tunet/kit';
import { createOperationsSubgraph } from './subgraph';

/** The operations subgraph as its own process (production); members is reached at SUBGRAPH_MEMBERS_URL. */
void runSubgraphProcess({
  name: 'operations',
  defaultPort: 4007,
  create: (deps) => {
    // reservations: who booked a booking a service request is linked to (decision 0041 addendum "links").
    const urls = { members: requireEnv('SUBGRAPH_MEMBERS_URL'), reservations: requireEnv('SUBGRAPH_RESERVATIONS_URL') };
    return createOperationsSubgraph({ ...deps, internalSecret: requireEnv('INTERNAL_SIGNING_SECRET'), subgraphUrls: () => urls });
  },
});
