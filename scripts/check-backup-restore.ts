/**
 * `npm run check:backup`: the PostgreSQL setup and backup recipes of README.md and docs/deployment.md, done once end
 * to end as the operator would, with the non-superuser login role they describe. The server's superuser creates that
 * role and its database with the README's two statements; as that role, `tunet migrate` applies every subgraph's
 * migrations and the demo data is loaded through the services (the whole stack, in process, with an in-memory event
 * stream). Every table of every subgraph schema (row count and an md5 over the rows in a fixed order) and every
 * sequence is fingerprinted; the role takes `pg_dump --format=custom`. Then the server is made new: the database, the
 * seven `tunet_<subgraph>` roles and the login role are dropped, the login role and database are created again as the
 * README says, the login role creates the subgraph roles as docs/deployment.md says, and runs `pg_restore`. The
 * fingerprints must be identical, and every subgraph's migrations must find nothing to apply on the restored
 * database. Prints durations and the dump's size.
 *
 * Needs a PostgreSQL server it may create databases and roles on, as a superuser, and its client tools (psql,
 * pg_dump, pg_restore): run through scripts/run-tests.ts (`--exec`), which starts a throwaway server and sets
 * TEST_DATABASE_URL.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeFastStore, DatabaseConnection, FilesystemStorage, generateSecrets, openFastStore } from '@tunet/kit';
import { startStack } from '@tunet/stack';
import { migrateCommand } from './cli/migrate';
import { SUBGRAPHS } from './subgraph-registry';

const ROOT = path.resolve(__dirname, '..');
const SCHEMAS = SUBGRAPHS.map((subgraph) => subgraph.name);
const SUBGRAPH_ROLES = SCHEMAS.map((schema) => `tunet_${schema}`);

async function main(): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set; run `npm run check:backup`');
  const suffix = randomBytes(4).toString('hex');
  const name = `tunet_backup_${suffix}`;
  const owner = `tunet_owner_${suffix}`;
  const superuserUrl = databaseUrl(serverUrl, name);
  const ownerUrl = databaseUrl(serverUrl, name, owner);
  const dir = mkdtempSync(path.join(tmpdir(), 'tunet-backup-'));
  createLoginRoleAndDatabase(serverUrl, owner, name);
  try {
    const loadStarted = Date.now();
    await tunetMigrate(ownerUrl);
    await loadDemo(ownerUrl, dir);
    const loadMs = Date.now() - loadStarted;
    const before = fingerprint(superuserUrl);
    const rows = before.filter((line) => line.startsWith('table ')).reduce((sum, line) => sum + Number(line.split('\t')[1]), 0);
    if (rows === 0) throw new Error('the demo loaded no rows: nothing would be compared');

    const dumpFile = path.join(dir, `${name}.dump`);
    const dumpStarted = Date.now();
    run('pg_dump', ['--format=custom', `--file=${dumpFile}`, ownerUrl]);
    const dumpMs = Date.now() - dumpStarted;
    // A new server: neither the database nor any of its roles exist any more.
    psql(serverUrl, `drop database ${name} with (force)`);
    psql(serverUrl, `drop role ${[...SUBGRAPH_ROLES, owner].join(', ')}`);
    createLoginRoleAndDatabase(serverUrl, owner, name);
    psql(ownerUrl, subgraphRolesSql());
    const restoreStarted = Date.now();
    run('pg_restore', ['--exit-on-error', `--dbname=${ownerUrl}`, dumpFile]);
    const restoreMs = Date.now() - restoreStarted;

    const after = fingerprint(superuserUrl);
    const differences = before.filter((line) => !after.includes(line)).concat(after.filter((line) => !before.includes(line)));
    if (differences.length > 0) throw new Error(`restored data differs:\n${differences.join('\n')}`);
    await migrationsStillApply(ownerUrl);
    console.log(
      `check-backup-restore: ok — as the login role ${owner} (not a superuser): ${before.filter((line) => line.startsWith('table ')).length} tables, ` +
        `${rows} rows and ${before.filter((line) => line.startsWith('sequence ')).length} sequences identical after dump, drop (database and roles) ` +
        `and restore; migrations and demo load ${seconds(loadMs)} s, pg_dump ${seconds(dumpMs)} s (${(statSync(dumpFile).size / 1024).toFixed(0)} KiB, ` +
        `custom format), pg_restore ${seconds(restoreMs)} s`,
    );
  } finally {
    psql(serverUrl, `drop database if exists ${name} with (force)`);
    psql(serverUrl, `drop role if exists ${[...SUBGRAPH_ROLES, owner].join(', ')}`);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** README.md's two statements ("Database and Node versions"), run by the server's superuser. */
function createLoginRoleAndDatabase(serverUrl: string, owner: string, name: string): void {
  psql(serverUrl, `create role ${owner} login createrole bypassrls password '${randomBytes(12).toString('hex')}'`);
  psql(serverUrl, `create database ${name} owner ${owner}`);
}

/**
 * docs/deployment.md's statements before a restore on a new server, run by the login role: the subgraph roles the
 * dump's grants name, each granted to the login role as the migrations would (kit database.ts prepareSchemaSql).
 */
function subgraphRolesSql(): string {
  return SUBGRAPH_ROLES.map((role) => `create role ${role} nologin; grant ${role} to current_user;`).join(' ');
}

/** `npm run tunet -- migrate` against this database, in process. */
async function tunetMigrate(url: string): Promise<void> {
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  try {
    const status = await migrateCommand.run([]);
    if (status !== 0) throw new Error(`tunet migrate exited ${status}`);
  } finally {
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  }
}

/** Migrations and demo data as `npm start` makes them, on this database; uploads go to the temporary directory. */
async function loadDemo(url: string, dir: string): Promise<void> {
  const database = await DatabaseConnection.open({ url });
  const store = await openFastStore(undefined);
  try {
    const stack = await startStack({
      database,
      store,
      secrets: await generateSecrets(),
      demoData: true,
      fileStorage: new FilesystemStorage(path.join(dir, 'files')),
    });
    await stack.stop();
  } finally {
    await closeFastStore(store);
    await database.close();
  }
}

/**
 * One line per table (row count and md5 of its rows as text, ordered) and per sequence (its position), over every
 * subgraph schema, as the server's superuser so row-level security hides nothing.
 */
function fingerprint(url: string): string[] {
  const schemas = SCHEMAS.map((schema) => `'${schema}'`).join(', ');
  const tables = psql(
    url,
    `select format('%I.%I', table_schema, table_name) from information_schema.tables ` +
      `where table_schema in (${schemas}) and table_type = 'BASE TABLE' order by 1`,
  );
  const perTable = tables.map((table) => `select 'table ${table}', count(*), md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) from ${table} t`);
  const sequences = `select 'sequence ' || format('%I.%I', schemaname, sequencename), coalesce(last_value, 0), '' from pg_sequences where schemaname in (${schemas})`;
  return psql(url, [...perTable, sequences].join(' union all ')).sort();
}

/** The restored schemas are what the migration files say: applying them again finds nothing to do. */
async function migrationsStillApply(url: string): Promise<void> {
  const database = await DatabaseConnection.open({ url });
  try {
    for (const schema of SCHEMAS) {
      const applied = await database.forSubgraph(schema, path.join(ROOT, 'subgraphs', schema, 'migrations')).migrate();
      if (applied.length > 0) throw new Error(`${schema}: the restored schema lacked migrations ${applied.join(', ')}`);
    }
  } finally {
    await database.close();
  }
}

function databaseUrl(serverUrl: string, name: string, user?: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (user) {
    url.username = user;
    url.password = '';
  }
  return url.toString();
}

/** Runs one statement with psql; the result's rows, fields separated by tabs. */
function psql(url: string, statement: string): string[] {
  const output = run('psql', [
    '--no-psqlrc',
    '--quiet',
    '--tuples-only',
    '--no-align',
    '--field-separator=\t',
    '--set=ON_ERROR_STOP=1',
    '--command',
    statement,
    url,
  ]);
  return output.split('\n').filter(Boolean);
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} failed (${result.status ?? result.signal}): ${result.stderr || result.error?.message}`);
  return result.stdout;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

main().catch((error: unknown) => {
  console.error(`check-backup-restore: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
