import { pemFromEnv, runSubgraphProcess } from '@tunet/kit';
import { parsePortraitHosts } from './members/portrait-hosts';
import { createMembersSubgraph } from './subgraph';

/**
 * The members subgraph as its own process (production); JWT_PRIVATE_KEY signs access tokens, PORTRAIT_HOSTS
 * (comma-separated) names the hosts portraits may come from.
 */
void runSubgraphProcess({
  name: 'members',
  defaultPort: 4001,
  create: (deps) =>
    createMembersSubgraph({
      ...deps,
      jwtPrivateKey: pemFromEnv('JWT_PRIVATE_KEY'),
      portraitHosts: parsePortraitHosts(process.env.PORTRAIT_HOSTS),
    }),
});
