import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DatabaseConnection, Entitlements, MemberReferences, MemberRole, MemberViewer, SubgraphDatabase, Viewer, ViewerScope } from '@tunet/kit';
import { openTestDatabase } from '@tunet/kit/src/kit.fixtures';
import { graphql, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { PostsContext } from './context';
import { FilesystemStorage } from '@tunet/kit';
import { createPostsSubgraph, type PostsDependencies, type PostsSubgraph } from './subgraph';

// Fixed ids for the pure access matrices, so a row names the same viewer on every run.
export const ASSOCIATION_X = 'a0000000-0000-4000-8000-00000000000a';
export const ASSOCIATION_Y = 'a0000000-0000-4000-8000-00000000000b';
const MEMBER_ID = 'b0000000-0000-4000-8000-000000000001';
const MEMBER_ACCOUNT_ID = 'e0000000-0000-4000-8000-000000000001';
const ADMIN_ACCOUNT_ID = 'e0000000-0000-4000-8000-000000000002';
const API_KEY_ID = 'e0000000-0000-4000-8000-000000000003';

/**
 * A member with fixed ids, as the gateway would describe them; `scope` says where they live and serve (default:
 * no unit, building or committee).
 */
export function memberOf(
  associationId: string,
  role: MemberRole,
  { memberId = MEMBER_ID, scope = {} }: { memberId?: string; scope?: Partial<ViewerScope> } = {},
): MemberViewer {
  return {
    accountId: MEMBER_ACCOUNT_ID,
    associationId,
    memberId,
    role,
    platformAdmin: false,
    sessionId: null,
    scope: { unitIds: [], buildingIds: [], committeeIds: [], ...scope },
  };
}

/** The association's integration calling with an API key that holds every scope there is. */
export function integratorOf(associationId: string): Viewer {
  return {
    accountId: API_KEY_ID,
    associationId,
    memberId: null,
    role: null,
    platformAdmin: false,
    sessionId: null,
    integration: { apiKeyId: API_KEY_ID, scopes: ['members:read', 'members:import'] },
  };
}

/** A platform admin signed in without a membership of any association. */
export const PLATFORM_ADMIN: Viewer = {
  accountId: ADMIN_ACCOUNT_ID,
  associationId: null,
  memberId: null,
  role: null,
  platformAdmin: true,
  sessionId: null,
};

/**
 * A member of the association with fresh ids, as the gateway would describe them; `scope` says where they live
 * and serve (default: one unit of their own in one building, no committee).
 */
export function viewerIn(associationId: string, role: MemberRole = 'resident', scope: Partial<ViewerScope> = {}): MemberViewer {
  const home = { unitIds: [randomUUID()], buildingIds: [randomUUID()] };
  return { ...memberOf(associationId, role, { memberId: randomUUID(), scope: { ...home, ...scope } }), accountId: randomUUID() };
}

/**
 * A request context as the kit builds it, so loaders and services are wired exactly as in production;
 * `entitlements` as the gateway would sign them (none by default, as from a caller before entitlements).
 */
export function contextOf(subgraph: PostsSubgraph, viewer: Viewer | null, entitlements?: Entitlements): PostsContext {
  return subgraph.definition.createContext({
    viewer,
    requestId: 'test',
    clientIp: '127.0.0.1',
    publicOrigin: 'https://tunet.test',
    entitlements,
  });
}

export interface PostsTestBed {
  subgraph: PostsSubgraph;
  /** The test database's connection, for a second subgraph on the same data. */
  connection: DatabaseConnection;
  /** Direct access to the posts schema, for arranging and inspecting what the public operations do not show. */
  db: SubgraphDatabase;
  /** Where the subgraph keeps uploads, to look at the stored objects. */
  storageDir: string;
  contextFor(viewer: Viewer | null): PostsContext;
  /** Executes against the subgraph's own schema, so field resolvers and loaders run as they do behind the gateway. */
  execute<T = Record<string, unknown>>(
    viewer: Viewer | null,
    source: string,
    variableValues?: Record<string, unknown>,
    entitlements?: Entitlements,
  ): Promise<ExecutionResult<T>>;
  close(): Promise<void>;
}

/**
 * The test bed has no members subgraph: every member, building and committee id is taken as the association's
 * own. Refusing the others is members' answer, tested end to end (test/e2e/input-guards.e2e.test.ts).
 */
export const EVERY_REFERENCE_EXISTS: MemberReferences = {
  existing: async (_associationId, references) => ({
    memberIds: references.memberIds ?? [],
    buildingIds: references.buildingIds ?? [],
    committeeIds: references.committeeIds ?? [],
    unitIds: references.unitIds ?? [],
  }),
};

/**
 * A migrated posts subgraph on a fresh test database, keeping uploads in a temporary directory of its own.
 * `internalSecret` fixes the key of calendar feed tokens, which is random otherwise.
 */
export async function openPostsTestBed(deps: Pick<PostsDependencies, 'internalSecret' | 'privacyStates'> = {}): Promise<PostsTestBed> {
  const database = await openTestDatabase();
  const storageDir = await mkdtemp(path.join(tmpdir(), 'tunet-posts-'));
  const subgraph = await createPostsSubgraph({
    ...deps,
    database: database.connection,
    // The posts subgraph keeps nothing in the fast store yet.
    store: { kind: 'memory', namespace: 'posts-test' },
    fileStorage: new FilesystemStorage(storageDir),
    memberReferences: EVERY_REFERENCE_EXISTS,
  });
  await subgraph.migrate();
  let schema: GraphQLSchema | undefined;
  return {
    subgraph,
    connection: database.connection,
    db: database.connection.forSubgraph('posts', 'unused: no migrations run here'),
    storageDir,
    contextFor: (viewer) => contextOf(subgraph, viewer),
    async execute<T>(viewer: Viewer | null, source: string, variableValues?: Record<string, unknown>, entitlements?: Entitlements) {
      schema ??= buildSubgraphSchema({ typeDefs: subgraph.definition.typeDefs, resolvers: mergedResolvers(subgraph) });
      return (await graphql({ schema, source, variableValues, contextValue: contextOf(subgraph, viewer, entitlements) })) as ExecutionResult<T>;
    },
    async close() {
      await database.drop();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

/** The subgraph's resolver maps as one, to go with its one schema document. */
function mergedResolvers(subgraph: PostsSubgraph): GraphQLResolverMap<unknown> {
  const all: Record<string, object> = {};
  for (const map of subgraph.definition.resolvers) {
    for (const [type, fields] of Object.entries(map)) all[type] = { ...all[type], ...(fields as object) };
  }
  return all as GraphQLResolverMap<unknown>;
}
