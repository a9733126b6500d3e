import { requireEnv, runSubgraphProcess, SignedMemberReferences } from '@tunet/kit';
import { createPostsSubgraph } from './subgraph';

/** The posts subgraph as its own process (production); members is reached at SUBGRAPH_MEMBERS_URL. */
void runSubgraphProcess({
  name: 'posts',
  defaultPort: 4002,
  create: (deps) => {
    const internalSecret = requireEnv('INTERNAL_SIGNING_SECRET');
    const members = requireEnv('SUBGRAPH_MEMBERS_URL');
    return createPostsSubgraph({ ...deps, internalSecret, memberReferences: new SignedMemberReferences(() => members, internalSecret) });
  },
});
