import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeFastStore, generateSecrets, type FastStore, type Secrets } from '@tunet/kit';
import { openTestDatabase, openTestRedis, type TestDatabase } from '@tunet/kit/src/testing';
import { DEMO_PASSWORD } from '@tunet/members';
import { FilesystemStorage } from '@tunet/posts';
import { startStack, type Stack, type StackOptions } from '@tunet/stack';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
}

export interface E2E {
  stack: Stack;
  secrets: Secrets;
  /** POSTs an operation to the gateway, as a web or mobile client would. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  /** Logs in a demo person and returns the access and refresh tokens. */
  login(email: string): Promise<{ accessToken: string; refreshToken: string }>;
  close(): Promise<void>;
}

/** The whole federation over HTTP on a fresh PostgreSQL database and a real Redis, with demo data. */
export async function openE2E(auth?: StackOptions['auth'], tuning: Pick<StackOptions, 'apiKeyCacheSeconds'> = {}): Promise<E2E> {
  const testDb: TestDatabase = await openTestDatabase();
  const store: FastStore = await openTestRedis();
  const secrets = await generateSecrets();
  // Uploads (the demo library's too) go to a directory of the test's own, never to ./.data.
  const filesDir = await mkdtemp(path.join(tmpdir(), 'tunet-e2e-files-'));
  const fileStorage = new FilesystemStorage(filesDir);
  const stack = await startStack({ database: testDb.connection, store, secrets, demoData: true, auth, fileStorage, ...tuning });

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

export const codes = (response: GraphQLResponse) => (response.errors ?? []).map((error) => error.extensions?.code);
