import { randomUUID } from 'node:crypto';
import type { MemberViewer } from '@tunet/kit';
import { openTestDatabase, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import type { ReservationsContext } from './context';
import { createReservationsSubgraph, type ReservationsSubgraph } from './subgraph';

export { viewerIn } from '@tunet/kit/src/kit.fixtures';

export interface ReservationsTestBed {
  subgraph: ReservationsSubgraph;
  database: TestDatabase;
  /** A request context as the kit builds it, so loaders and services are wired exactly as in production. */
  contextFor(viewer: MemberViewer | null): ReservationsContext;
  close(): Promise<void>;
}

/** A migrated reservations subgraph on a fresh test database (PostgreSQL or PGlite, see kit/testing). */
export async function openReservationsTestBed(): Promise<ReservationsTestBed> {
  const database = await openTestDatabase();
  const subgraph = await createReservationsSubgraph({
    database: database.connection,
    store: { kind: 'memory', namespace: `reservations-test-${randomUUID()}` },
  });
  await subgraph.migrate();
  return {
    subgraph,
    database,
    contextFor: (viewer) => subgraph.definition.createContext({ viewer, requestId: 'test', clientIp: '127.0.0.1', publicOrigin: 'https://tunet.test' }),
    close: () => database.drop(),
  };
}
