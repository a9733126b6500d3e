/**
 * `npm run check:backup`: the PostgreSQL backup recipe of docs/deployment.md, done once end to end. On a fresh
 * database it migrates every subgraph and loads the demo data through the services (the whole stack, in process,
 * with an in-memory event stream), stops, fingerprints every table of every subgraph schema (row count and an md5
 * over the rows in a fixed order) and every sequence, takes `pg_dump --format=custom`, drops the database, creates
 * it again, runs `pg_restore`, and fingerprints again: the two must be identical. Then every subgraph's migrations
 * are checked against the restored schema (nothing to apply, no changed file). Prints durations and the dump's size.
 *
 * Needs a PostgreSQL server it may create databases on and its client tools (psql, pg_dump, pg_restore): run through
 * scripts/run-tests.ts (`--exec`), which starts a throwaway server and sets TEST_DATABASE_URL.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeFastStore, DatabaseConnection, FilesystemStorage, generateSecrets, openFastStore } from '@tunet/kit';
import { startStack } from '@tunet/stack';
import { SUBGRAPHS } from './subgraph-registry';

const ROOT = path.resolve(__dirname, '..');
const SCHEMAS = SUBGRAPHS.map((subgraph) => subgraph.name);

async function main(): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set; run `npm run check:backup`');
  const name = `tunet_backup_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(serverUrl, name);
  const dir = mkdtempSync(path.join(tmpdir(), 'tunet-backup-'));
  psql(serverUrl, `create database ${name}`);
  try {
    const loadStarted = Date.now();
    await loadDemo(url, dir);
    const loadMs = Date.now() - loadStarted;
    const before = fingerprint(url);
    const rows = before.filter((line) => line.startsWith('table ')).reduce((sum, line) => sum + Number(line.split('\t')[1]), 0);
    if (rows === 0) throw new Error('the demo loaded no rows: nothing would be compared');

    const dumpFile = path.join(dir, `${name}.dump`);
    const dumpStarted = Date.now();
    run('pg_dump', ['--format=custom', `--file=${dumpFile}`, url]);
    const dumpMs = Date.now() - dumpStarted;
    psql(serverUrl, `drop database ${name} with (force)`);
    psql(serverUrl, `create database ${name}`);
    const restoreStarted = Date.now();
    run('pg_restore', ['--exit-on-error', `--dbname=${url}`, dumpFile]);
    const restoreMs = Date.now() - restoreStarted;

    const after = fingerprint(url);
    const differences = before.filter((line) => !after.includes(line)).concat(after.filter((line) => !before.includes(line)));
    if (differences.length > 0) throw new Error(`restored data differs:\n${differences.join('\n')}`);
    await migrationsStillApply(url);
    console.log(
      `check-backup-restore: ok — ${before.filter((line) => line.startsWith('table ')).length} tables, ${rows} rows and ` +
        `${before.filter((line) => line.startsWith('sequence ')).length} sequences identical after dump, drop and restore; ` +
        `migrations and demo load ${seconds(loadMs)} s, pg_dump ${seconds(dumpMs)} s (${(statSync(dumpFile).size / 1024).toFixed(0)} KiB, ` +
        `custom format), pg_restore ${seconds(restoreMs)} s`,
    );
  } finally {
    psql(serverUrl, `drop database if exists ${name} with (force)`);
    rmSync(dir, { recursive: true, force: true });
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

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
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
