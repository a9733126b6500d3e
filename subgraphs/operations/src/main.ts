import { requireEnv, runSubgraphProcess } from '@tunet/kit';
import { createOperationsSubgraph } from './subgraph';

/** The operations subgraph as its own process (production); members is reached at SUBGRAPH_MEMBERS_URL. */
void runSubgraphProcess({
  name: 'operations',
  defaultPort: 4007,
  create: (deps) => {
    const urls = { members: requireEnv('SUBGRAPH_MEMBERS_URL') };
    return createOperationsSubgraph({ ...deps, internalSecret: requireEnv('INTERNAL_SIGNING_SECRET'), subgraphUrls: () => urls });
  },
});
