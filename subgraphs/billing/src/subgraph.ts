import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DateTimeResolver,
  LocalDateResolver,
  lowerCaseEnumValues,
  OutboxRelay,
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
import { LOWER_CASE_ENUMS } from './tables';

const root = path.resolve(__dirname, '..');

export type BillingDependencies = SubgraphProcessDependencies;

export interface BillingSubgraph extends SubgraphModule<BillingContext> {
  db: SubgraphDatabase;
  catalogue: CatalogueService;
}

/** Wires the billing subgraph: repositories on its own schema, services, and the request context. */
export async function createBillingSubgraph(deps: BillingDependencies): Promise<BillingSubgraph> {
  const db = deps.database.forSubgraph('billing', path.join(root, 'migrations'));
  const catalogue = new CatalogueService(new CatalogueRepository(db));
  const typeDefs = parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
  const definition: SubgraphDefinition<BillingContext> = {
    name: 'billing',
    typeDefs,
    resolvers: [{ DateTime: DateTimeResolver, Date: LocalDateResolver }, lowerCaseEnumValues(typeDefs, Object.keys(LOWER_CASE_ENUMS)), catalogueResolvers],
    createContext: (request) => ({ ...request, catalogue }),
    isReady: () => deps.database.ping(),
  };
  return {
    definition,
    migrate: () => db.migrate(),
    backgroundJobs: (stream) => [new OutboxRelay(db, stream)],
    db,
    catalogue,
  };
}
