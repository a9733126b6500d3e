import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  closeFastStore,
  FilesystemStorage,
  generateSecrets,
  todayIn,
  type DatabaseConnection,
  type FastStore,
  type Secrets,
  type SubgraphDatabase,
  type Viewer,
} from '@tunet/kit';
import { openTestDatabase, openTestRedis, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import type { GraphQLError } from 'graphql';
import { createCommitteesLoaders } from './committees/committees.loaders';
import type { Loaders } from './context';
import { loadDemoData } from './members.demo';
import type { MemberRow } from './members/members.repository';
import { createHousingLoaders } from './housing/housing.loaders';
import { createMembersLoaders } from './members/members.loaders';
import { createMembersSubgraph, type MembersDependencies, type MembersSubgraph } from './subgraph';

export interface MembersTestBed {
  subgraph: MembersSubgraph;
  /** Direct access to the members schema, for arranging data the public operations cannot create yet. */
  db: SubgraphDatabase;
  /** The test database itself, for what runs beside the subgraph (the operator bootstrap command). */
  connection: DatabaseConnection;
  secrets: Secrets;
  /** The fast store the subgraph writes revocations to, for reading them back. */
  store: FastStore;
  /** Where uploaded portraits are stored: a directory of the test's own. */
  storageDir: string;
  /** Fresh per-request loaders for a viewer, as a request would get them. */
  loadersFor(viewer: Viewer | null): Loaders;
  close(): Promise<void>;
}

/** A migrated members subgraph with the demo associations, on a fresh test database and Redis namespace. */
export async function openMembersTestBed(auth?: MembersDependencies['auth']): Promise<MembersTestBed> {
  const testDb: TestDatabase = await openTestDatabase();
  const store: FastStore = await openTestRedis();
  const secrets = await generateSecrets();
  const storageDir = await mkdtemp(path.join(tmpdir(), 'tunet-members-'));
  const fileStorage = new FilesystemStorage(storageDir);
  const subgraph = await createMembersSubgraph({ database: testDb.connection, store, jwtPrivateKey: secrets.jwtPrivateKey, auth, fileStorage });
  await subgraph.migrate();
  await loadDemoData(subgraph);
  return {
    subgraph,
    db: testDb.connection.forSubgraph('members', path.resolve(__dirname, '../migrations')),
    connection: testDb.connection,
    secrets,
    store,
    storageDir,
    loadersFor: (viewer) => ({
      ...createMembersLoaders(subgraph.repositories.members, viewer),
      ...createHousingLoaders(subgraph.repositories.housing, viewer),
      ...createCommitteesLoaders(subgraph.repositories.committees, viewer),
    }),
    async close() {
      await closeFastStore(store);
      await testDb.drop();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

export function viewerOf(associationId: string, memberId: string | null, role: Viewer['role']): Viewer {
  return { accountId: memberId ?? associationId, associationId, memberId, role, platformAdmin: false, sessionId: null };
}

/** The code and field of the error a promise rejects with, or null when it resolves. */
export function errorOf(promise: Promise<unknown>): Promise<{ code: unknown; field: unknown } | null> {
  return promise.then(
    () => null,
    (error: GraphQLError) => ({ code: error.extensions?.code, field: error.extensions?.field }),
  );
}

/** The association's today, as the database computes tenure and term dates. */
export function osloDate(offsetDays = 0): string {
  return todayIn('Europe/Oslo', new Date(Date.now() + offsetDays * 86_400_000));
}

/** A resident neighbour as the repository returns one, for pure access tests; override what the test is about. */
export function memberRow(overrides: Partial<MemberRow> & Pick<MemberRow, 'associationId' | 'id'>): MemberRow {
  return {
    accountId: null,
    displayName: 'Naboen',
    sortName: 'naboen',
    email: 'nabo@example.com',
    phone: '+47 900 00 000',
    portraitUrl: null,
    portraitFileId: null,
    portraitContentType: null,
    occupation: 'Snekker',
    about: null,
    onlineIdentities: [],
    visibility: {},
    hideName: false,
    externalTitle: null,
    suspendedAt: null,
    suspensionReason: null,
    suspendedUntil: null,
    tombstone: false,
    createdAt: new Date(),
    updatedAt: new Date(),
    roles: ['resident'],
    ...overrides,
  };
}
