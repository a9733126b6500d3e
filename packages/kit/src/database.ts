import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { Pool } from 'pg';
import { tunetEvents, type EventContracts, type TunetEvents } from '@tunet/events';
import { handledEventsSchemaSql } from './events/handled-events';
import { DeadLetters, deadLettersSchemaSql } from './events/dead-letters';
import { Outbox, outboxSchemaSql } from './events/outbox';
import { isUuid } from './ids';
import { createLogger } from './logger';
import { traceWork } from './tracing';

const logger = createLogger('database');

/** A transaction handed to repositories: already scoped to one tenant (or to system scope) by row-level security. */
export type Tx = PgTransaction<PgQueryResultHKT, Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;
type Drizzle = PgDatabase<PgQueryResultHKT>;

/** The few raw operations the migration runner needs; data access goes through Drizzle. */
interface RawSession {
  query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  exec(text: string): Promise<void>;
}

interface Driver {
  readonly backend: 'postgres' | 'pglite';
  /** Statements sent through Drizzle since the connection opened; tests use it to prove batching. */
  readonly stats: { queries: number };
  readonly drizzle: Drizzle;
  rawTransaction<T>(fn: (session: RawSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * One physical database shared by the subgraphs of a process. Each subgraph gets its own Postgres schema and
 * its own database role through `forSubgraph`, so no subgraph can read another's tables even by mistake.
 */
export class DatabaseConnection {
  private constructor(private readonly driver: Driver) {}

  /**
   * `url` selects a PostgreSQL server; without it an embedded PGlite is used (`dataDir` persists it). `loadDataDir`
   * starts PGlite from a dump of another's data directory instead of running initdb (tests: kit.fixtures.ts).
   */
  static async open(options: { url?: string; dataDir?: string; poolSize?: number; loadDataDir?: Blob }): Promise<DatabaseConnection> {
    const driver = options.url ? postgresDriver(options.url, options.poolSize ?? 10) : await pgliteDriver(options.dataDir, options.loadDataDir);
    return new DatabaseConnection(driver);
  }

  get backend(): 'postgres' | 'pglite' {
    return this.driver.backend;
  }

  /** `contracts` are the events its outbox accepts: Tunet's (packages/events) unless a test brings its own. */
  forSubgraph<C extends EventContracts = TunetEvents>(schema: string, migrationsDir: string, contracts?: C): SubgraphDatabase<C> {
    return new SubgraphDatabase(this.driver, schema, migrationsDir, contracts ?? (tunetEvents as EventContracts as C));
  }

  /**
   * A transaction as the connection's own user (the owner of every subgraph schema), in system scope so forced
   * row-level security admits every association: only for operator checks across all schemas (the residue scan and
   * the access-log verifier, docs/decisions/0039), never for a request.
   */
  ownerTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.driver.drizzle.transaction(async (tx) => {
      await tx.execute(sql`select set_config('tunet.association_id', '', true), set_config('tunet.scope', 'system', true)`);
      return fn(tx);
    });
  }

  async ping(): Promise<void> {
    await this.driver.drizzle.execute(sql`select 1`);
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

const IDENTIFIER = /^[a-z][a-z0-9_]{0,40}$/;
const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/;

/** A subgraph's view of the database: its own schema, role, migrations and tenant-scoped transactions. */
export class SubgraphDatabase<C extends EventContracts = TunetEvents> {
  readonly role: string;
  /** Events written here commit with the transaction that writes them; `OutboxRelay` streams them afterwards. */
  readonly outbox: Outbox<C>;
  /** Events its consumer set aside; an erasure clears them of the person beside the outbox. */
  readonly deadLetters: DeadLetters;

  constructor(
    private readonly driver: Driver,
    readonly schema: string,
    private readonly migrationsDir: string,
    contracts: C,
  ) {
    if (!IDENTIFIER.test(schema)) throw new Error(`invalid schema name ${schema}`);
    this.role = `tunet_${schema}`;
    this.outbox = new Outbox(schema, contracts);
    this.deadLetters = new DeadLetters(this);
  }

  get queryCount(): number {
    return this.driver.stats.queries;
  }

  /**
   * Runs `fn` in a transaction as the subgraph's non-superuser role with the tenant set, so PostgreSQL's
   * row-level security hides every other association's rows whatever the SQL says.
   */
  tenant<T>(associationId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (!isUuid(associationId)) throw new Error('tenant must be an association id');
    return this.scoped(associationId, '', fn);
  }

  /**
   * Cross-tenant access for the few flows that happen before a tenant is known (login, token refresh) and
   * for platform operations. Policies admit it explicitly; grep for `.system(` to audit every use.
   */
  system<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.scoped('', 'system', fn);
  }

  /** Traced as one span per transaction (decision 0060): the schema and scope, never a statement or a value. */
  private scoped<T>(associationId: string, scope: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const attributes = { 'db.system.name': 'postgresql', 'db.namespace': this.schema, 'tunet.scope': scope || 'tenant' };
    // What failed in the transaction is what the caller hears: on a cut connection drizzle's rollback fails too, and
    // its error ("Failed query: rollback") would hide the cause.
    let failure: { error: unknown } | undefined;
    return traceWork(`transaction ${this.schema}`, attributes, () =>
      this.driver.drizzle
        .transaction(async (tx) => {
          await tx.execute(
            sql`select set_config('role', ${this.role}, true), set_config('tunet.association_id', ${associationId}, true), set_config('tunet.scope', ${scope}, true)`,
          );
          return fn(tx).catch((error: unknown) => {
            failure = { error };
            throw error;
          });
        })
        .catch((error: unknown) => {
          throw failure ? failure.error : error;
        }),
    );
  }

  /**
   * Applies the subgraph's forward-only migrations in order, once each, under an advisory lock. Refuses to start
   * when a file already applied has changed since (its sha256 differs from the one recorded): the database would
   * no longer be what the files say. Rows applied before checksums were recorded get theirs on this start.
   */
  async migrate(): Promise<string[]> {
    const names = (await readdir(this.migrationsDir)).filter((f) => MIGRATION_FILE.test(f)).sort();
    const files = await Promise.all(names.map(async (name) => migrationFile(name, await readFile(path.join(this.migrationsDir, name)))));
    return this.driver.rawTransaction(async (session) => {
      await session.query('select pg_advisory_xact_lock(hashtext($1))', [`tunet.migrate.${this.schema}`]);
      await session.exec(prepareSchemaSql(this.schema, this.role));
      const rows = await session.query(`select version, checksum from ${this.schema}.schema_migrations`);
      const applied = new Map(rows.map((row) => [String(row.version), row.checksum as string | null]));
      for (const file of files.filter((f) => applied.has(f.name))) {
        const recorded = applied.get(file.name);
        if (recorded == null) {
          await session.query(`update ${this.schema}.schema_migrations set checksum = $2 where version = $1`, [file.name, file.checksum]);
        } else if (recorded !== file.checksum) {
          throw new Error(
            `migration ${this.schema}/${file.name} was changed after it was applied (sha256 ${recorded} recorded, ${file.checksum} now); ` +
              'migrations are forward-only: restore the file and add a new one',
          );
        }
      }
      const pending = files.filter((file) => !applied.has(file.name));
      for (const file of pending) {
        await session.exec(file.text);
        await session.query(`insert into ${this.schema}.schema_migrations (version, checksum) values ($1, $2)`, [file.name, file.checksum]);
      }
      return pending.map((file) => file.name);
    });
  }
}

function migrationFile(name: string, content: Buffer): { name: string; text: string; checksum: string } {
  return { name, text: content.toString('utf8'), checksum: createHash('sha256').update(content).digest('hex') };
}

/**
 * What every subgraph schema needs before its own migrations: the schema, a role that owns nothing and can
 * only touch this schema's tables, the two functions the row-level-security policies call, the outbox, the
 * dead letters and the handled events.
 */
function prepareSchemaSql(schema: string, role: string): string {
  return `
    create schema if not exists ${schema};
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = '${role}') then
        begin
          create role ${role} nologin;
        exception when duplicate_object or unique_violation then null; -- created concurrently by another database
        end;
      end if;
      if not (select rolsuper from pg_roles where rolname = current_user)
         and not pg_has_role(current_user, '${role}', 'member') then
        execute format('grant %I to %I', '${role}', current_user);
      end if;
    end $$;
    grant usage on schema ${schema} to ${role};
    alter default privileges in schema ${schema} grant select, insert, update, delete on tables to ${role};
    alter default privileges in schema ${schema} grant usage, select on sequences to ${role};
    create table if not exists ${schema}.schema_migrations (
      version text primary key,
      applied_at timestamptz not null default now()
    );
    -- sha256 of the file as applied; null only for rows applied before it was recorded, until the next start.
    alter table ${schema}.schema_migrations add column if not exists checksum text;
    revoke all on ${schema}.schema_migrations from ${role};
    create or replace function ${schema}.current_association_id() returns uuid
      language sql stable as $f$ select nullif(current_setting('tunet.association_id', true), '')::uuid $f$;
    create or replace function ${schema}.in_system_scope() returns boolean
      language sql stable as $f$ select coalesce(current_setting('tunet.scope', true), '') = 'system' $f$;
    ${outboxSchemaSql(schema)}
    ${deadLettersSchemaSql(schema)}
    ${handledEventsSchemaSql(schema)}
  `;
}

function countingLogger(stats: { queries: number }) {
  return { logQuery: () => void stats.queries++ };
}

/** How long a new PostgreSQL connection may take to be made: well over a healthy connect, short of a client's patience. */
const CONNECT_TIMEOUT_MS = 10_000;

function postgresDriver(url: string, poolSize: number): Driver {
  // keepAlive: a connection to a server that vanished without closing it (a failover that moves the address, a
  // dropped network path) is found dead by TCP instead of waiting forever. connectionTimeoutMillis: a new connection
  // to a server that does not answer fails after 10 s instead of holding its request until the client gives up.
  const pool = new Pool({ connectionString: url, max: poolSize, keepAlive: true, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle connection the server closes (restart, failover, admin termination) must not crash the process:
  // pg emits it on the pool, and the pool replaces the connection on the next checkout.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection lost'));
  // A connection cut while checked out (a transaction waiting between two statements) emits 'error' on the client,
  // where pg-pool listens only while it is idle: unheard, it would crash the process. Its statement in flight, or
  // the next, fails with the error instead, and the pool discards the connection when it is released.
  pool.on('connect', (client) => client.on('error', (error) => logger.warn({ err: error }, 'database connection lost while in use')));
  const stats = { queries: 0 };
  return {
    backend: 'postgres',
    stats,
    drizzle: drizzlePg(pool, { logger: countingLogger(stats) }),
    async rawTransaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({
          query: async (text, params) => (await client.query<Record<string, unknown>>(text, params)).rows,
          exec: async (text) => void (await client.query(text)),
        });
        await client.query('commit');
        return result;
      } catch (error) {
        // On a cut connection the rollback fails too; the transaction's own failure is the one to report.
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

async function pgliteDriver(dataDir: string | undefined, loadDataDir: Blob | undefined): Promise<Driver> {
  // btree_gist: exclusion constraints that mix ids and time ranges (reservations' no-double-booking rule).
  // The contrib modules declare ES module types only; the package ships CommonJS builds of them as well.
  const { btree_gist } = await import('@electric-sql/pglite/contrib/btree_gist');
  const client = await PGlite.create(dataDir, { extensions: { btree_gist }, loadDataDir });
  const stats = { queries: 0 };
  return {
    backend: 'pglite',
    stats,
    drizzle: drizzlePglite(client, { logger: countingLogger(stats) }) as unknown as Drizzle,
    rawTransaction: (fn) =>
      client.transaction((tx) =>
        fn({
          query: async (text, params) => (await tx.query<Record<string, unknown>>(text, params)).rows,
          exec: async (text) => void (await tx.exec(text)),
        }),
      ),
    close: () => client.close(),
  };
}
