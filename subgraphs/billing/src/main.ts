import { runSubgraphProcess } from '@tunet/kit';
import { createBillingSubgraph } from './subgraph';

/** The billing subgraph as its own process (production). */
void runSubgraphProcess({
  name: 'billing',
  defaultPort: 4005,
  create: (deps) => createBillingSubgraph(deps),
});
