import { loadPrivacyStatesFrom, pemFromEnv, requireEnv, runSubgraphProcess } from '@tunet/kit';
import { parsePortraitHosts } from './members/portrait-hosts';
import { createMembersSubgraph } from './subgraph';

/**
 * The members subgraph as its own process (production); JWT_PRIVATE_KEY signs access tokens (their `kid` is
 * JWT_KEY_ID when set, else the public key's thumbprint), PORTRAIT_HOSTS
 * (comma-separated) names the hosts portraits may come from; the privacy subgraph at SUBGRAPH_PRIVACY_URL says who
 * consented to showing what and whose processing is restricted (decision 0038).
 */
void runSubgraphProcess({
  name: 'members',
  defaultPort: 4001,
  create: (deps) => {
    const privacy = requireEnv('SUBGRAPH_PRIVACY_URL');
    return createMembersSubgraph({
      ...deps,
      jwtPrivateKey: pemFromEnv('JWT_PRIVATE_KEY'),
      jwtKeyId: process.env.JWT_KEY_ID,
      portraitHosts: parsePortraitHosts(process.env.PORTRAIT_HOSTS),
      privacyStates: loadPrivacyStatesFrom(() => privacy, requireEnv('INTERNAL_SIGNING_SECRET')),
    });
  },
});
