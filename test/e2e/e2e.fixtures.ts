import { UNREACHED_CALLER_LIMITS } from '@tunet/gateway';
import { cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeFastStore, generateSecrets, type DatabaseConnection, type FastStore, type Secrets } from '@tunet/kit';
import { makeTemplateDatabase, openTestDatabase, openTestRedis, testBackend, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { DEMO, DEMO_OPERATOR_EMAIL, DEMO_PASSWORD } from '@tunet/members';
import { FilesystemStorage } from '@tunet/kit';
import { startStack, type Stack, type StackOptions } from '@tunet/stack';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
}

export interface E2E {
  stack: Stack;
  secrets: Secrets;
  /** The Redis the stack uses (its namespace too), so a test can start a second gateway on it. */
  store: FastStore;
  /** The stack's database and the directory of its uploads, for tests that search everything (the residue scan). */
  database: TestDatabase;
  filesDir: string;
  /** POSTs an operation to the gateway, as a web or mobile client would. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  /** Logs in a demo person and returns the access and refresh tokens. */
  login(email: string): Promise<{ accessToken: string; refreshToken: string }>;
  close(): Promise<void>;
}

/** The whole federation over HTTP on a fresh PostgreSQL database and a real Redis, with demo data. */
export async function openE2E(
  auth?: StackOptions['auth'],
  tuning: Pick<
    StackOptions,
    'apiKeyCacheSeconds' | 'notifications' | 'trustProxy' | 'subgraphTimeouts' | 'gatewaySubgraphUrls' | 'privacy' | 'callerLimits' | 'breaker' | 'metricsPort'
  > = {},
): Promise<E2E> {
  const { database: testDb, filesDir } = await openDemoDatabase();
  const store: FastStore = await openTestRedis();
  const secrets = await generateSecrets();
  const fileStorage = new FilesystemStorage(filesDir);
  // Per-caller request limits far above any test's load unless the test passes its own (the gateway door e2e does), so
  // no e2e file is refused 429 by accident when it loops one token on a fast machine (decision 0053's 600/min).
  const callerLimits = tuning.callerLimits ?? UNREACHED_CALLER_LIMITS;
  const stack = await startStack({ database: testDb.connection, store, secrets, demoData: true, auth, fileStorage, ...tuning, callerLimits });

  const gql: E2E['gql'] = async (query, variables, token) => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  };
  const login: E2E['login'] = async (email) => {
    const result = await gql<{ login: { accessToken: string; refreshToken: string } }>(
      'mutation ($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }',
      { input: { email, password: DEMO_PASSWORD } },
    );
    if (!result.data?.login) throw new Error(`demo login failed: ${JSON.stringify(result.errors)}`);
    return result.data.login;
  };
  return {
    stack,
    secrets,
    store,
    database: testDb,
    filesDir,
    gql,
    login,
    async close() {
      await stack.stop();
      await closeFastStore(store);
      await testDb.drop();
      await rm(filesDir, { recursive: true, force: true });
    },
  };
}

/**
 * A database of the test's own and a directory for its uploads (never ./.data). Under `npm test` both are copies of
 * the run's demo template (TEST_DEMO_TEMPLATE, decision 0035), so the stack started on them finds every migration
 * applied and the demo loaded; without it they are empty, and the stack migrates and loads the demo itself.
 */
export async function openDemoDatabase(): Promise<{ database: TestDatabase; filesDir: string }> {
  const filesDir = await mkdtemp(path.join(tmpdir(), 'tunet-e2e-files-'));
  try {
    const templateDir = process.env.TEST_DEMO_TEMPLATE;
    if (!templateDir || testBackend() !== 'postgres') return { database: await openTestDatabase(), filesDir };
    const templateFiles = path.join(templateDir, 'files');
    await makeTemplateDatabase(DEMO_TEMPLATE_DATABASE, (connection) => fillDemoTemplate(connection, templateFiles));
    await cp(templateFiles, filesDir, { recursive: true });
    return { database: await openTestDatabase({ template: DEMO_TEMPLATE_DATABASE }), filesDir };
  } catch (error) {
    await rm(filesDir, { recursive: true, force: true });
    throw error;
  }
}

/** On the test server scripts/run-tests.ts starts for the run, so it goes with the server. */
const DEMO_TEMPLATE_DATABASE = 'tunet_demo_template';

/**
 * Migrates and loads the demo as openE2E's stack would, with its uploads in `filesDir`, which appears whole once
 * loaded. No background jobs run: the outbox keeps the demo's events for each copy's stack to relay to its own
 * Redis namespace, as a stack that loaded the demo itself does.
 */
async function fillDemoTemplate(connection: DatabaseConnection, filesDir: string): Promise<void> {
  const filling = `${filesDir}.filling`;
  await rm(filling, { recursive: true, force: true });
  await mkdir(filling, { recursive: true });
  const store = await openTestRedis();
  try {
    const stack = await startStack({
      database: connection,
      store,
      secrets: await generateSecrets(),
      demoData: true,
      backgroundJobs: false,
      fileStorage: new FilesystemStorage(filling),
      callerLimits: UNREACHED_CALLER_LIMITS,
    });
    await stack.stop();
  } finally {
    await closeFastStore(store);
  }
  await rm(filesDir, { recursive: true, force: true });
  await rename(filling, filesDir);
}

export const codes = (response: GraphQLResponse) => (response.errors ?? []).map((error) => error.extensions?.code);

/** Logs in demo people one after another, in the order given, and returns their access tokens under the same keys. */
export async function accessTokens<K extends string>(e2e: E2E, emails: Record<K, string>): Promise<Record<K, string>> {
  const tokens = {} as Record<K, string>;
  for (const [key, email] of Object.entries(emails) as [K, string][]) tokens[key] = (await e2e.login(email)).accessToken;
  return tokens;
}

/**
 * Creates the platform admin: an account with the platform flag that is a member (an external) of Fjordly.
 * Returns its email, to log in with the demo password.
 */
export async function createPlatformAdmin(e2e: E2E): Promise<string> {
  const email = 'drift@tunet.example';
  const { members } = e2e.stack;
  const adminAccount = await members.auth.createAccount(email, DEMO_PASSWORD, true);
  await members.repositories.members.insertMembers(DEMO.fjordly, [
    { id: '90000000-0000-4000-8000-000000000001', accountId: adminAccount, displayName: 'Tunet drift', externalTitle: 'Plattformdrift' },
  ]);
  return email;
}

/** Creates an integrator's API key ("Forretningsfører") with the given scopes as the caller, and returns its secret. */
export async function createApiKeySecret(e2e: E2E, token: string | undefined, scopes: string[]): Promise<string> {
  const result = await e2e.gql<{ createApiKey: { secret: string } }>(
    'mutation ($s: [ApiScope!]!) { createApiKey(input: { name: "Forretningsfører", scopes: $s }) { secret } }',
    { s: scopes },
    token,
  );
  if (!result.data?.createApiKey) throw new Error(`createApiKey failed: ${JSON.stringify(result.errors)}`);
  return result.data.createApiKey.secret;
}

/** One cell of an access matrix: the first error code, or OK. */
export type Outcome = string;
export type MatrixCall<A extends string> = (actor: A, query: string, variables?: Record<string, unknown>) => Promise<Outcome>;

/** Runs an operation as an actor of an access matrix (with the actor's token, none if it has none) and returns its outcome. */
export function matrixCaller<A extends string>(e2e: E2E, tokens: Partial<Record<A, string>>): MatrixCall<A> {
  return async (actor, query, variables = {}) => {
    const result = await e2e.gql(query, variables, tokens[actor]);
    return (codes(result)[0] as string | undefined) ?? 'OK';
  };
}

/**
 * The tests of an access matrix: that the expectation table covers every operation, and a test per operation that
 * runs it as every actor in turn and compares the outcomes with the operation's row (one cell per actor, in order).
 */
export function matrixTests<A extends string>(
  actors: readonly A[],
  operations: Record<string, (actor: A) => Promise<Outcome>>,
  expected: Record<string, Outcome[]>,
): void {
  it('covers every operation', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(operations).sort());
  });

  it.each(Object.keys(expected))('%s', async (operation) => {
    const actual: Record<string, Outcome> = {};
    for (const actor of actors) actual[actor] = await operations[operation]!(actor);
    expect(actual).toEqual(Object.fromEntries(actors.map((actor, i) => [actor, expected[operation]![i]])));
  });
}

/** The callers of the posts, reservations and notifications access matrices. */
export const MATRIX_ACTORS = ['anonymous', 'resident A', 'resident B', 'caretaker', 'board', 'other association', 'integrator', 'platform admin'] as const;
export type MatrixActor = (typeof MATRIX_ACTORS)[number];

/** A matrix's setup step: its data, or a throw, since a matrix built on a failed setup proves nothing. */
export async function setupStep<T = unknown>(e2e: E2E, token: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await e2e.gql<T>(query, variables, token);
  if (result.errors) throw new Error(`setup failed: ${query}: ${JSON.stringify(result.errors)}`);
  return result.data!;
}

/**
 * Signs in every matrix caller but anonymous: two Solbakken residents in different buildings (Ola in Blokk A, Per
 * in Blokk B), the caretaker, the board, Fjordly's board, a platform admin, and an integrator key with
 * `MEMBERS_READ`; `extra` adds more demo logins by name.
 */
export async function matrixTokens<E extends string>(
  e2e: E2E,
  extra: Record<E, string> = {} as Record<E, string>,
): Promise<Record<Exclude<MatrixActor, 'anonymous'> | E, string>> {
  const platformAdmin = await createPlatformAdmin(e2e);
  const tokens = await accessTokens(e2e, {
    'resident A': 'ola@solbakken.example',
    'resident B': 'per@solbakken.example',
    caretaker: 'jonas@solbakken.example',
    board: 'kari@solbakken.example',
    'other association': 'eva@fjordly.example',
    'platform admin': platformAdmin,
    ...extra,
  });
  return { ...tokens, integrator: await createApiKeySecret(e2e, tokens.board, ['MEMBERS_READ']) };
}

/** The callers of a matrix over the provider's operations (onboarding, billing, agreements): one per kind of viewer. */
export const OPERATOR_MATRIX_ACTORS = ['anonymous', 'resident', 'board', 'other association', 'integrator', 'platform operator'] as const;
export type OperatorMatrixActor = (typeof OPERATOR_MATRIX_ACTORS)[number];

/**
 * Signs in every operator-matrix caller but anonymous: Ola (a Solbakken resident), Kari (Solbakken's board), Eva
 * (Fjordly's board), the demo platform operator (no membership), and an integrator key with `MEMBERS_READ`.
 */
export async function operatorMatrixTokens(e2e: E2E): Promise<Record<Exclude<OperatorMatrixActor, 'anonymous'>, string>> {
  const tokens = await accessTokens(e2e, {
    resident: 'ola@solbakken.example',
    board: 'kari@solbakken.example',
    'other association': 'eva@fjordly.example',
    'platform operator': DEMO_OPERATOR_EMAIL,
  });
  return { ...tokens, integrator: await createApiKeySecret(e2e, tokens.board, ['MEMBERS_READ']) };
}

/** An actor's name as letters only, to make names and emails unique per actor. */
export const tag = (actor: string) => actor.toLowerCase().replace(/[^a-z]/g, '');
