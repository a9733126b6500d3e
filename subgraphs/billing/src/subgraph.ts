import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DateTimeResolver,
  LocalDateResolver,
  lowerCaseEnumValues,
  createLogger,
  OutboxRelay,
  personalDataRoutes,
  retentionJob,
  todayIn,
  type SubgraphDatabase,
  type SubgraphDefinition,
  type SubgraphModule,
  type SubgraphProcessDependencies,
} from '@tunet/kit';
import { parse } from 'graphql';
import { CatalogueRepository } from './catalogue/catalogue.repository';
import { catalogueResolvers } from './catalogue/catalogue.resolvers';
import { CatalogueService } from './catalogue/catalogue.service';
import type { BillingContext } from './context';
import { AuditRepository } from './audit/audit.repository';
import { auditResolvers } from './audit/audit.resolvers';
import { AuditService } from './audit/audit.service';
import type { AssociationProfiles } from './associations/association-profiles';
import { createFeatureLoaders } from './catalogue/catalogue.loaders';
import { entitlementsRoutes } from './entitlements/entitlements.routes';
import { EntitlementsService } from './entitlements/entitlements.service';
import { SubscriptionsRepository } from './subscriptions/subscriptions.repository';
import { subscriptionsResolvers } from './subscriptions/subscriptions.resolvers';
import { SubscriptionsService, type IssueFirstInvoice } from './subscriptions/subscriptions.service';
import { associationTerminations } from './subscriptions/subscriptions.terminations';
import { WithdrawalsRepository } from './withdrawals/withdrawals.repository';
import { WithdrawalsService } from './withdrawals/withdrawals.service';
import { InvoicesRepository, issueInvoice } from './invoices/invoices.repository';
import { invoicesResolvers } from './invoices/invoices.resolvers';
import { blockAfterDaysFrom, DEFAULT_TIME_ZONE, dueOn } from './invoices/invoices.rules';
import { InvoicesService } from './invoices/invoices.service';
import { SweepsRepository } from './sweeps/sweeps.repository';
import { BillingSweeps } from './sweeps/sweeps.service';
import { LOWER_CASE_ENUMS } from './tables';
import { INVOICES_PURGE, PrivacyRepository, purgeExpiredInvoices } from './privacy/privacy.repository';
import { PrivacyService } from './privacy/privacy.service';

const root = path.resolve(__dirname, '..');

/**
 * `blockAfterDays`: days an invoice may be past due before its add-on is blocked (by default BILLING_BLOCK_AFTER_DAYS
 * from the environment, in the embedded stack too, else 14); `now`: the clock of payments and sweeps, which tests move.
 */
export type BillingDependencies = SubgraphProcessDependencies & {
  blockAfterDays?: number;
  now?: () => Date;
  /** Members' registry (legal details, status), asked before an association subscribes to a paid add-on. */
  associationProfiles: AssociationProfiles;
};

export interface BillingSubgraph extends SubgraphModule<BillingContext> {
  db: SubgraphDatabase;
  catalogue: CatalogueService;
  invoices: InvoicesService;
  subscriptions: SubscriptionsService;
  subscriptionsRepository: SubscriptionsRepository;
  entitlements: EntitlementsService;
  withdrawals: WithdrawalsService;
  sweeps: BillingSweeps;
  sweepsRepository: SweepsRepository;
}

/** Wires the billing subgraph: repositories on its own schema, services, and the request context. */
export async function createBillingSubgraph(deps: BillingDependencies): Promise<BillingSubgraph> {
  const db = deps.database.forSubgraph('billing', path.join(root, 'migrations'));
  const catalogueRepository = new CatalogueRepository(db);
  const catalogue = new CatalogueService(catalogueRepository);
  const blockAfterDays = deps.blockAfterDays ?? blockAfterDaysFrom(process.env.BILLING_BLOCK_AFTER_DAYS);
  const invoices = new InvoicesService(new InvoicesRepository(db), catalogueRepository, deps.store, blockAfterDays, deps.now);
  const subscriptionsRepository = new SubscriptionsRepository(db);
  // A paid period that starts with a subscription is invoiced in the same transaction (the renewals' invoices are the sweeps').
  const issueFirstInvoice: IssueFirstInvoice = async (tx, subscription, today) => {
    const period = { start: subscription.periodStart!, end: subscription.periodEnd! };
    const { associationId, id: subscriptionId, feature, priceOre: amountOre, paymentTermDays } = subscription;
    await issueInvoice(tx, db.outbox, { associationId, subscriptionId, feature, period, amountOre, issuedOn: today, dueOn: dueOn(today, paymentTermDays) });
  };
  const subscriptions = new SubscriptionsService(
    subscriptionsRepository,
    catalogueRepository,
    deps.associationProfiles,
    deps.store,
    issueFirstInvoice,
    deps.now,
  );
  const entitlements = new EntitlementsService(subscriptionsRepository);
  const withdrawals = new WithdrawalsService(new WithdrawalsRepository(db), catalogueRepository, deps.now);
  const audit = new AuditService(new AuditRepository(db));
  const sweepsRepository = new SweepsRepository(db);
  const sweeps = new BillingSweeps(sweepsRepository, deps.store, { blockAfterDays, now: deps.now });
  const typeDefs = parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
  const definition: SubgraphDefinition<BillingContext> = {
    name: 'billing',
    typeDefs,
    resolvers: [
      { DateTime: DateTimeResolver, Date: LocalDateResolver },
      lowerCaseEnumValues(typeDefs, Object.keys(LOWER_CASE_ENUMS)),
      catalogueResolvers,
      invoicesResolvers,
      subscriptionsResolvers,
      auditResolvers,
    ],
    createContext: (request) => ({
      ...request,
      catalogue,
      invoices,
      audit,
      associationEntitlements: entitlements,
      features: createFeatureLoaders(catalogueRepository),
      subscriptions,
      withdrawals,
    }),
    internalRoutes: { ...entitlementsRoutes(entitlements), ...personalDataRoutes(new PrivacyService(new PrivacyRepository(db), deps.associationProfiles), db) },
    isReady: () => deps.database.ping(),
  };
  return {
    definition,
    migrate: () => db.migrate(),
    backgroundJobs: (stream) => [
      new OutboxRelay(db, stream),
      sweeps,
      associationTerminations(stream, db, subscriptions),
      // Daily: invoices past their five years after the fiscal year (bokføringsloven § 13), logged in retention_runs.
      retentionJob(db, INVOICES_PURGE, (now) => purgeExpiredInvoices(db, todayIn(DEFAULT_TIME_ZONE, now)), createLogger('billing'), deps.now),
    ],
    db,
    catalogue,
    invoices,
    subscriptions,
    subscriptionsRepository,
    entitlements,
    withdrawals,
    sweeps,
    sweepsRepository,
  };
}
