import { requireEnv, runSubgraphProcess } from '@tunet/kit';
import { createReservationsSubgraph } from './subgraph';

/** The reservations subgraph as its own process (production). */
void runSubgraphProcess({
  name: 'reservations',
  defaultPort: 4003,
  create: (deps) => createReservationsSubgraph({ ...deps, internalSecret: requireEnv('INTERNAL_SIGNING_SECRET') }),
});
