import { loadPrivacyStatesFrom, requireEnv, runSubgraphProcess, SignedMemberReferences } from '@tunet/kit';
import { createPostsSubgraph } from './subgraph';

/**
 * The posts subgraph as its own process (production); members is reached at SUBGRAPH_MEMBERS_URL, and the privacy
 * subgraph at SUBGRAPH_PRIVACY_URL says whose processing is restricted (decision 0038).
 */
void runSubgraphProcess({
  name: 'posts',
  defaultPort: 4002,
  create: (deps) => {
    const internalSecret = requireEnv('INTERNAL_SIGNING_SECRET');
    const members = requireEnv('SUBGRAPH_MEMBERS_URL');
    const privacy = requireEnv('SUBGRAPH_PRIVACY_URL');
    return createPostsSubgraph({
      ...deps,
      internalSecret,
      memberReferences: new SignedMemberReferences(() => members, internalSecret),
      privacyStates: loadPrivacyStatesFrom(() => privacy, internalSecret),
    });
  },
});
