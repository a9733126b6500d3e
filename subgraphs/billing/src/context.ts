import type { RequestContext } from '@tunet/kit';
import type { AuditService } from './audit/audit.service';
import type { FeatureLoaders } from './catalogue/catalogue.loaders';
import type { CatalogueService } from './catalogue/catalogue.service';
import type { EntitlementsService } from './entitlements/entitlements.service';
import type { SubscriptionsService } from './subscriptions/subscriptions.service';
import type { WithdrawalsService } from './withdrawals/withdrawals.service';
import type { InvoicesService } from './invoices/invoices.service';

/**
 * What every billing resolver receives: the request (viewer, request id, entitlements), plus each domain's
 * service, added by the domains as they are wired in subgraph.ts.
 */
export interface BillingContext extends RequestContext {
  catalogue: CatalogueService;
  invoices: InvoicesService;
  audit: AuditService;
  associationEntitlements: EntitlementsService;
  features: FeatureLoaders;
  subscriptions: SubscriptionsService;
  withdrawals: WithdrawalsService;
}

/** An association as billing knows it: only its id (members owns the rest). */
export interface AssociationRef {
  id: string;
}
