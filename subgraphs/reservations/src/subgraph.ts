import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DateTimeResolver,
  LocalDateResolver,
  OutboxRelay,
  type SubgraphDatabase,
  type SubgraphDefinition,
  type SubgraphModule,
  type SubgraphProcessDependencies,
} from '@tunet/kit';
import { parse } from 'graphql';
import type { ReservationsContext } from './context';

const root = path.resolve(__dirname, '..');

/**
 * What the subgraph is built from: the process's connections and the gateway signing secret, from which the key of
 * calendar feed tokens is derived (without it, in tests, the key is random and feed URLs last as long as the process).
 */
export type ReservationsDependencies = SubgraphProcessDependencies & { internalSecret?: string };

export interface ReservationsSubgraph extends SubgraphModule<ReservationsContext> {
  db: SubgraphDatabase;
}

/** Wires the reservations subgraph: repositories on its own schema, services, and the request context. */
export async function createReservationsSubgraph(deps: ReservationsDependencies): Promise<ReservationsSubgraph> {
  const db = deps.database.forSubgraph('reservations', path.join(root, 'migrations'));
  const definition: SubgraphDefinition<ReservationsContext> = {
    name: 'reservations',
    typeDefs: parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8')),
    resolvers: [{ DateTime: DateTimeResolver, Date: LocalDateResolver }],
    createContext: (request) => ({ ...request }),
    isReady: () => deps.database.ping(),
  };
  return {
    definition,
    migrate: () => db.migrate(),
    backgroundJobs: (stream) => [new OutboxRelay(db, stream)],
    db,
  };
}
