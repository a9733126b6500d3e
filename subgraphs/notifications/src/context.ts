import type { RequestContext } from '@tunet/kit';

/**
 * What every notifications resolver receives: the request (viewer, request id, client address, public origin),
 * plus each domain's loaders and services, added by the domains as they are wired in subgraph.ts.
 */
export interface NotificationsContext extends RequestContext {}
