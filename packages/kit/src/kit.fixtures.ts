import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { calendarFeedsTableSql } from './calendar-feed-store';
import { DatabaseConnection, type SubgraphDatabase } from './database';
import { openFastStore, type FastStore } from './redis';
import { requireEnv } from './secrets';
import type { MemberViewer, ViewerScope } from './viewer';

/**
 * Test infrastructure: real PostgreSQL (a fresh database per call on the server `npm test` started) or PGlite
 * when TEST_DB_BACKEND=pglite, and a real Redis with a namespace of its own. Never a mock.
 */
export interface TestDatabase {
  connection: DatabaseConnection;
  /** Set for PostgreSQL: the URL of the fresh database, e.g. for processes started by the test. */
  url?: string;
  drop(): Promise<void>;
}

export function testBackend(): 'postgres' | 'pglite' {
  return process.env.TEST_DB_BACKEND === 'pglite' ? 'pglite' : 'postgres';
}

/** `template`: a database on the PostgreSQL test server to copy (see `makeTemplateDatabase`); PGlite ignores it. */
export async function openTestDatabase(options: { template?: string } = {}): Promise<TestDatabase> {
  if (testBackend() === 'pglite') {
    const connection = await DatabaseConnection.open({ loadDataDir: await pgliteTemplate() });
    return { connection, drop: () => connection.close() };
  }
  const serverUrl = requireEnv('TEST_DATABASE_URL');
  const name = `tunet_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}${options.template ? ` template ${options.template}` : ''}`);
  const url = databaseUrl(serverUrl, name);
  const connection = await DatabaseConnection.open({ url, poolSize: 20 });
  return {
    connection,
    url,
    async drop() {
      await connection.close();
      await adminQuery(serverUrl, `drop database ${name} with (force)`);
    },
  };
}

/**
 * Makes the database `name` on the PostgreSQL test server, for `openTestDatabase` to copy, unless it is there:
 * `fill` gets a connection to it and does the slow part (migrations, demo data) once for many tests (decision 0035).
 * Workers asking at once wait on an advisory lock, and the database takes its name only once filled and closed, so
 * a copy never starts from half of it (a worker that died while filling left `<name>_filling`, dropped by the next).
 */
export async function makeTemplateDatabase(name: string, fill: (connection: DatabaseConnection) => Promise<void>): Promise<void> {
  const serverUrl = requireEnv('TEST_DATABASE_URL');
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // A session lock, so PostgreSQL releases it should this worker die while filling. A fill that hangs fails the
    // others' wait after two minutes instead of holding every later file, and jest's exit, for good.
    await admin.query(`set lock_timeout = '120s'`);
    await admin.query('select pg_advisory_lock(hashtext($1))', [`tunet.template.${name}`]);
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return;
    const filling = `${name}_filling`;
    await admin.query(`drop database if exists ${filling} with (force)`);
    await admin.query(`create database ${filling}`);
    const connection = await DatabaseConnection.open({ url: databaseUrl(serverUrl, filling), poolSize: 20 });
    try {
      await fill(connection);
    } finally {
      // `create database … template` refuses a template anyone is connected to.
      await connection.close();
    }
    await admin.query(`alter database ${filling} rename to ${name}`);
  } finally {
    await admin.end();
  }
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A dump of a fresh PGlite data directory, for every PGlite test database to start from: initdb in WebAssembly
 * costs seconds of CPU per database, loading its result a fraction of that, and the database is the same
 * (docs/decisions/0035). scripts/run-tests.ts makes it before jest starts (TEST_PGLITE_TEMPLATE names the file);
 * should it be missing, the first worker that asks makes it. Without the variable every database runs initdb.
 */
async function pgliteTemplate(): Promise<Blob | undefined> {
  const file = process.env.TEST_PGLITE_TEMPLATE;
  if (!file) return undefined;
  if (!existsSync(file)) await writePgliteTemplate(file);
  return new Blob([await readFile(file)]);
}

/** Writes the dump of a fresh PGlite data directory to `file`: whole or not at all, so racing writers are harmless. */
export async function writePgliteTemplate(file: string): Promise<void> {
  const fresh = await PGlite.create();
  try {
    const dump = await fresh.dumpDataDir('none');
    const partial = `${file}.${randomBytes(6).toString('hex')}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  } finally {
    await fresh.close();
  }
}

export async function openTestRedis(): Promise<FastStore> {
  return openFastStore(requireEnv('TEST_REDIS_URL'), `test-${randomBytes(6).toString('hex')}`);
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * A member of the association with fresh ids, as the gateway would describe them; `scope` says where they live
 * (default: one unit of their own in one building, no committee).
 */
export function viewerIn(associationId: string, role: MemberViewer['role'] = 'resident', scope: Partial<ViewerScope> = {}): MemberViewer {
  return {
    accountId: randomUUID(),
    associationId,
    memberId: randomUUID(),
    role,
    platformAdmin: false,
    sessionId: null,
    scope: { unitIds: [randomUUID()], buildingIds: [randomUUID()], committeeIds: [], ...scope },
  };
}

/**
 * A schema of its own holding only the kit's calendar feed table, made as a subgraph's migration would make it:
 * for the kit's lifecycle tests, and as the reference a subgraph's migrated table is compared with.
 */
export async function migrateCalendarFeedsSchema(connection: DatabaseConnection, schema: string): Promise<SubgraphDatabase> {
  const dir = await mkdtemp(path.join(tmpdir(), `tunet-${schema}-`));
  try {
    await writeFile(path.join(dir, '0001_calendar_feeds.sql'), calendarFeedsTableSql(schema));
    const db = connection.forSubgraph(schema, dir);
    await db.migrate();
    return db;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
