import { requireEnv, runSubgraphProcess } from '@tunet/kit';
import { createPostsSubgraph } from './subgraph';

/** The posts subgraph as its own process (production). */
void runSubgraphProcess({
  name: 'posts',
  defaultPort: 4002,
  create: (deps) => createPostsSubgraph({ ...deps, internalSecret: requireEnv('INTERNAL_SIGNING_SECRET') }),
});
