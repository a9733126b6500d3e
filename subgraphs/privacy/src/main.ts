import { requireEnv, runSubgraphProcess } from '@tunet/kit';
import { createPrivacySubgraph } from './subgraph';
import { PRIVACY_PARTICIPANTS } from './privacy/participants';

/**
 * The privacy subgraph as its own process (production). It asks every subgraph for a person's data, itself included,
 * at SUBGRAPH_<NAME>_URL (SUBGRAPH_MEMBERS_URL, SUBGRAPH_POSTS_URL, ..., SUBGRAPH_PRIVACY_URL): each is required.
 */
void runSubgraphProcess({
  name: 'privacy',
  defaultPort: 4006,
  create: (deps) => {
    const urls = Object.fromEntries(PRIVACY_PARTICIPANTS.map((name) => [name, requireEnv(`SUBGRAPH_${name.toUpperCase()}_URL`)]));
    return createPrivacySubgraph({ ...deps, internalSecret: requireEnv('INTERNAL_SIGNING_SECRET'), subgraphUrls: () => urls });
  },
});
