import { pemFromEnv, runSubgraphProcess } from '@tunet/kit';
import { createMembersSubgraph } from './subgraph';

/** The members subgraph as its own process (production); JWT_PRIVATE_KEY signs access tokens. */
void runSubgraphProcess({
  name: 'members',
  defaultPort: 4001,
  create: (deps) => createMembersSubgraph({ ...deps, jwtPrivateKey: pemFromEnv('JWT_PRIVATE_KEY') }),
});
