import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DatabaseConnection, type MemberRoles, type MemberRolesEntry, type MemberViewer, type RequestContext, type SubgraphDatabase } from '@tunet/kit';
import { openTestDatabase, testBackend, viewerIn, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { sql } from 'drizzle-orm';
import { OPERATIONS_FEATURE, type OperationsFeatureCheck } from '../feature';
import { MaintenanceRepository } from './maintenance.repository';
import { MaintenanceService } from './maintenance.service';
import { OverdueMaintenanceSweep } from './maintenance.sweep';

const MIGRATIONS = path.resolve(__dirname, '../../migrations');

/** Members as the maintenance plan sees them: the roles a test gives each member id. */
export class StaticMemberRoles implements MemberRoles {
  private readonly entries = new Map<string, MemberRolesEntry & { associationId: string }>();

  set(associationId: string, memberId: string, roles: MemberRolesEntry['roles'], suspended = false): void {
    this.entries.set(memberId, { associationId, memberId, roles, suspended });
  }

  rolesOf(associationId: string, memberIds: readonly string[]): Promise<MemberRolesEntry[]> {
    return Promise.resolve(
      memberIds.flatMap((id) => {
        const entry = this.entries.get(id);
        return entry && entry.associationId === associationId ? [{ memberId: id, roles: entry.roles, suspended: entry.suspended }] : [];
      }),
    );
  }
}

/** One replica of the maintenance plan: its own database handle, service and sweep. */
export interface MaintenanceReplica {
  db: SubgraphDatabase;
  service: MaintenanceService;
  sweep: OverdueMaintenanceSweep;
}

export interface MaintenanceTestBed {
  /** The first replica; `replica` is a second service instance on the same database (its own pool on PostgreSQL). */
  primary: MaintenanceReplica;
  replica: MaintenanceReplica;
  members: StaticMemberRoles;
  /** Associations billing says have no operations center (a test adds them); the sweeps skip them. */
  withoutFeature: Set<string>;
  /** The sweeps' feature check as billing would answer it. */
  featureOn: OperationsFeatureCheck;
  setClock(iso: string): void;
  close(): Promise<void>;
}

/** The operations schema migrated on a fresh test database, with a clock the test sets and members it arranges. */
export async function openMaintenanceTestBed(startAt: string): Promise<MaintenanceTestBed> {
  const database: TestDatabase = await openTestDatabase();
  // PGlite is one in-process database: the second replica shares its connection. PostgreSQL gets a second pool.
  const second = testBackend() === 'postgres' ? await DatabaseConnection.open({ url: database.url!, poolSize: 5 }) : database.connection;
  let now = new Date(startAt);
  const clock = () => now;
  const members = new StaticMemberRoles();
  const withoutFeature = new Set<string>();
  const featureOn: OperationsFeatureCheck = (associationId) => Promise.resolve(!withoutFeature.has(associationId));
  const replicaOn = (connection: DatabaseConnection): MaintenanceReplica => {
    const db = connection.forSubgraph('operations', MIGRATIONS);
    const repository = new MaintenanceRepository(db);
    return {
      db,
      service: new MaintenanceService(repository, members, () => Promise.resolve('Europe/Oslo'), clock),
      sweep: new OverdueMaintenanceSweep(repository, featureOn, { now: clock }),
    };
  };
  const primary = replicaOn(database.connection);
  await primary.db.migrate();
  return {
    primary,
    replica: replicaOn(second),
    members,
    withoutFeature,
    featureOn,
    setClock: (iso) => void (now = new Date(iso)),
    async close() {
      if (second !== database.connection) await second.close();
      await database.drop();
    },
  };
}

/** A request of `viewer` through the gateway of an association that has the operations center (or not). */
export function requestOf(viewer: MemberViewer, subscribed = true): RequestContext {
  const features = subscribed ? ['base', OPERATIONS_FEATURE] : ['base'];
  return { viewer, requestId: randomUUID(), clientIp: '127.0.0.1', entitlements: { associationId: viewer.associationId, features, limits: {} } };
}

/** An association with a board member, a caretaker and a resident, all known to members. */
export function arrangeAssociation(bed: MaintenanceTestBed): { id: string; board: MemberViewer; caretaker: MemberViewer; resident: MemberViewer } {
  const id = randomUUID();
  const board = viewerIn(id, 'board');
  const caretaker = viewerIn(id, 'external');
  const resident = viewerIn(id, 'resident');
  bed.members.set(id, board.memberId, ['board']);
  bed.members.set(id, caretaker.memberId, ['external']);
  bed.members.set(id, resident.memberId, ['resident']);
  return { id, board, caretaker, resident };
}

/** The operations outbox's events of one topic, oldest first. */
export async function outboxOf(bed: MaintenanceTestBed, topic: string): Promise<{ associationId: string; payload: Record<string, unknown> }[]> {
  const result = await bed.primary.db.system((tx) =>
    tx.execute(sql`select association_id as "associationId", payload from operations.outbox where topic = ${topic} order by id`),
  );
  return (result as { rows: { associationId: string; payload: Record<string, unknown> }[] }).rows;
}
