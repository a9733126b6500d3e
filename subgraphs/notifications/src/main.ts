import { loadPrivacyStatesFrom, requireEnv, runSubgraphProcess } from '@tunet/kit';
import { requiredOrigins, requireSmtpInProduction } from './config';
import { MembersDirectory } from './directory/members-directory';
import { createNotificationsSubgraph } from './subgraph';

/**
 * The notifications subgraph as its own process (production); members, posts and billing (what an association may
 * send by SMS) and privacy (whose processing is restricted) are reached at SUBGRAPH_<NAME>_URL. WEB_APP_ORIGIN and
 * PUBLIC_ORIGIN are required: links must lead to the web app and the gateway, not to localhost. With NODE_ENV=production
 * SMTP_URL is required too, before anything starts: e-mails must be sent, not logged.
 */
requireSmtpInProduction();
void runSubgraphProcess({
  name: 'notifications',
  defaultPort: 4004,
  create: (deps) => {
    const internalSecret = requireEnv('INTERNAL_SIGNING_SECRET');
    const members = requireEnv('SUBGRAPH_MEMBERS_URL');
    const posts = requireEnv('SUBGRAPH_POSTS_URL');
    const billing = requireEnv('SUBGRAPH_BILLING_URL');
    const privacy = requireEnv('SUBGRAPH_PRIVACY_URL');
    return createNotificationsSubgraph({
      ...deps,
      config: requiredOrigins(),
      internalSecret,
      directory: new MembersDirectory({ members: () => members, posts: () => posts }, internalSecret),
      billingUrl: () => billing,
      privacyStates: loadPrivacyStatesFrom(() => privacy, internalSecret),
    });
  },
});
