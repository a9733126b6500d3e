import type { RequestContext } from '@tunet/kit';
import type { CatalogueService } from './catalogue/catalogue.service';

/**
 * What every billing resolver receives: the request (viewer, request id, entitlements), plus each domain's
 * service, added by the domains as they are wired in subgraph.ts.
 */
export interface BillingContext extends RequestContext {
  catalogue: CatalogueService;
}
