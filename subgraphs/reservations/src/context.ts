import type { RequestContext } from '@tunet/kit';

/**
 * What every reservations resolver receives: the request (viewer, request id, client address, public origin),
 * plus each domain's loaders and service, added by the domains as they are wired in subgraph.ts.
 */
export interface ReservationsContext extends RequestContext {}
