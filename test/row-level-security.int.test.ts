import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { SubgraphDatabase } from '@tunet/kit';
import { openTestDatabase, type TestDatabase } from '@tunet/kit/src/kit.fixtures';

/**
 * Every table of every subgraph schema, read from the catalogue after all migrations ran: a table with an
 * `association_id` column must have forced row-level security and only tenant policies; any other table must be
 * listed below as platform-wide, with why and how it is guarded (docs/decisions/0002). A new subgraph, table or
 * kit table (outbox, dead letters, calendar feeds) is covered without touching this file, and a table that belongs
 * to no association fails until someone writes down why.
 */
const SUBGRAPHS = ['members', 'posts', 'reservations', 'notifications', 'billing', 'privacy', 'operations'] as const;

/** How a platform-wide table is kept from tenant transactions. */
type Guard =
  /** Forced RLS and only `in_system_scope()` policies: no tenant transaction sees a row. */
  | 'system-only'
  /** Forced RLS with the tenant policy on the row's own id: the association sees its own row. */
  | 'own-row'
  /** The subgraph's role has no privilege on it at all; only the migration runner touches it. */
  | 'no-grant'
  /**
   * Nobody's data, read by every tenant: forced RLS with a select policy `using (true)`; any other policy is
   * system-only, so a tenant transaction reads it and never writes it.
   */
  | 'readable';

interface PlatformTable {
  guard: Guard;
  reason: string;
}

const PLATFORM_WIDE: Record<string, PlatformTable> = {
  'members.associations': { guard: 'own-row', reason: 'the tenant itself: its id is the association id' },
  'members.accounts': { guard: 'system-only', reason: 'a login belongs to a person, who may be a member of several associations' },
  'members.email_changes': { guard: 'system-only', reason: "a pending change of an account's login e-mail; accounts belong to no association" },
  'members.password_setups': { guard: 'system-only', reason: "one-time links to set an account's password (decision 0030); accounts belong to no association" },
  'members.operator_refresh_tokens': {
    guard: 'system-only',
    reason: 'sessions of platform operators, who belong to no association (decision 0030); login, refresh and logout run before any tenant is known',
  },
  'members.terms_versions': {
    guard: 'system-only',
    reason: "the provider's terms of service, one catalogue of versions for every association (decision 0033); only operators publish, read in system scope",
  },
  'posts.url_signing_keys': { guard: 'system-only', reason: 'one key per deployment signs download URLs for every association' },
  'members.url_signing_keys': { guard: 'system-only', reason: 'one key per deployment signs the portrait links of every association (decision 0047)' },
  'operations.url_signing_keys': { guard: 'system-only', reason: 'one key per deployment signs the photo links of service requests for every association' },
  'posts.retention_runs': { guard: 'system-only', reason: 'the log of retention jobs, which run across associations (decision 0036)' },
  'reservations.retention_runs': { guard: 'system-only', reason: 'the log of retention jobs, which run across associations (decision 0036)' },
  'billing.retention_runs': { guard: 'system-only', reason: 'the log of retention jobs, which run across associations (decision 0036)' },
  'privacy.retention_runs': { guard: 'system-only', reason: 'the log of retention jobs, which run across associations (decision 0036)' },
  'billing.features': { guard: 'readable', reason: 'the catalogue of features and prices, the same for every association; only migrations change it' },
  'billing.withdrawals': {
    guard: 'readable',
    reason: "the provider's withdrawal of an add-on applies to every association; operators write it in system scope",
  },
  'privacy.subprocessor_changes': {
    guard: 'readable',
    reason: "the provider's sub-processor register and its history, the same for every association (decision 0040); operators write it in system scope",
  },
  'privacy.breaches': {
    guard: 'system-only',
    reason: "the provider's breach register spans the associations it touches (decision 0040); each reads its own copy in privacy.breach_notices",
  },
  'privacy.url_signing_keys': {
    guard: 'system-only',
    reason: 'one key per deployment signs export archive download links for every association (decision 0037)',
  },
  'privacy.archive_job_runs': { guard: 'system-only', reason: "the log of the archive jobs' runs, each covering every association (decision 0037)" },
  // The kit's handled events (events/handled-events.ts), in every schema: event ids and group names, no personal data.
  ...Object.fromEntries(
    SUBGRAPHS.map((subgraph) => [
      `${subgraph}.handled_events`,
      {
        guard: 'system-only' as const,
        reason: "the ids of the events its consumer group handled, of every association's events, to skip a replay (decision 0052)",
      },
    ]),
  ),
};

/** Every schema has the migration runner's bookkeeping, which the subgraph's role may not read. */
const RUNNER_TABLE = 'schema_migrations';

interface TableFacts {
  name: string;
  hasAssociationId: boolean;
  rowSecurity: boolean;
  forced: boolean;
  /** The `using` expression of each policy, as PostgreSQL prints it. */
  policies: { name: string; permissive: boolean; command: string; qual: string | null; withCheck: string | null }[];
  roleCanRead: boolean;
}

async function tablesOf(db: SubgraphDatabase): Promise<TableFacts[]> {
  const rows = await db.system(async (tx) => {
    const result = (await tx.execute(sql`
      select c.relname as name,
             exists (select 1 from information_schema.columns col
                     where col.table_schema = n.nspname and col.table_name = c.relname and col.column_name = 'association_id') as has_association_id,
             c.relrowsecurity as row_security,
             c.relforcerowsecurity as forced,
             coalesce((select json_agg(json_build_object('name', p.polname, 'permissive', p.polpermissive, 'command', p.polcmd,
                                                         'qual', pg_get_expr(p.polqual, p.polrelid),
                                                         'withCheck', pg_get_expr(p.polwithcheck, p.polrelid)))
                       from pg_policy p where p.polrelid = c.oid), '[]'::json) as policies,
             has_table_privilege(${db.role}, c.oid, 'select') as role_can_read
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${db.schema} and c.relkind in ('r', 'p')
      order by c.relname`)) as { rows: Record<string, unknown>[] };
    return result.rows;
  });
  return rows.map((row) => ({
    name: String(row.name),
    hasAssociationId: row.has_association_id === true,
    rowSecurity: row.row_security === true,
    forced: row.forced === true,
    policies: row.policies as TableFacts['policies'],
    roleCanRead: row.role_can_read === true,
  }));
}

/** What is wrong with a subgraph schema's tables, one line per fault; empty when every table is guarded. */
export async function rowLevelSecurityFaults(db: SubgraphDatabase): Promise<string[]> {
  const schema = db.schema;
  const tenantOnly = new RegExp(`^\\(*association_id = ${schema}\\.current_association_id\\(\\)\\)* OR ${schema}\\.in_system_scope\\(\\)\\)*$`);
  const ownRow = new RegExp(`^\\(*id = ${schema}\\.current_association_id\\(\\)\\)* OR ${schema}\\.in_system_scope\\(\\)\\)*$`);
  const systemOnly = new RegExp(`^\\(*${schema}\\.in_system_scope\\(\\)\\)*$`);
  const faults: string[] = [];
  for (const table of await tablesOf(db)) {
    const name = `${schema}.${table.name}`;
    const forcedRls = () => {
      if (!table.rowSecurity || !table.forced) faults.push(`${name}: row-level security is not enabled and forced`);
    };
    const policiesMatch = (pattern: RegExp, kind: string, allowed: (policy: TableFacts['policies'][number]) => boolean = () => false) => {
      if (table.policies.length === 0) faults.push(`${name}: has no ${kind} policy`);
      for (const policy of table.policies.filter((p) => !allowed(p))) {
        // A permissive policy widens what the others allow, so each one must be the tenant (or system) rule itself.
        const expressions = [policy.qual, policy.withCheck].filter((e): e is string => e !== null);
        if (!policy.permissive || expressions.length === 0 || !expressions.every((e) => pattern.test(e))) {
          faults.push(`${name}: policy ${policy.name} is not a ${kind} policy (${policy.qual ?? 'no using expression'})`);
        }
      }
    };
    if (table.hasAssociationId) {
      forcedRls();
      policiesMatch(tenantOnly, 'tenant');
    } else if (table.name === RUNNER_TABLE) {
      if (table.roleCanRead) faults.push(`${name}: the subgraph's role may read the migration runner's table`);
    } else {
      const listed = PLATFORM_WIDE[name];
      if (!listed) {
        faults.push(`${name}: has no association_id and is not listed as platform-wide`);
        continue;
      }
      if (listed.guard === 'no-grant') {
        if (table.roleCanRead) faults.push(`${name}: listed as no-grant but the subgraph's role may read it`);
      } else if (listed.guard === 'readable') {
        forcedRls();
        // 'r' is a select-only policy; every other policy must be system-only.
        const readsAll = (policy: TableFacts['policies'][number]) => policy.command === 'r' && policy.qual === 'true';
        policiesMatch(systemOnly, 'system-only', readsAll);
      } else {
        forcedRls();
        policiesMatch(listed.guard === 'own-row' ? ownRow : systemOnly, listed.guard);
      }
    }
  }
  return faults;
}

const migrationsOf = (subgraph: string) => path.resolve(__dirname, '../subgraphs', subgraph, 'migrations');

describe('row-level security of every subgraph table', () => {
  let testDb: TestDatabase;
  const databases: SubgraphDatabase[] = [];

  // Every subgraph's migrations from scratch: on PGlite, five schemas take longer than the default 30 s under load.
  beforeAll(async () => {
    testDb = await openTestDatabase();
    for (const subgraph of SUBGRAPHS) {
      const db = testDb.connection.forSubgraph(subgraph, migrationsOf(subgraph));
      await db.migrate();
      databases.push(db);
    }
  }, 120_000);
  afterAll(() => testDb.drop());

  it('guards every table of every subgraph schema', async () => {
    const faults = (await Promise.all(databases.map(rowLevelSecurityFaults))).flat();
    expect(faults).toEqual([]);
  });

  it('lists only platform-wide tables that exist', async () => {
    const existing = new Set<string>();
    for (const db of databases) for (const table of await tablesOf(db)) existing.add(`${db.schema}.${table.name}`);
    expect(Object.keys(PLATFORM_WIDE).filter((name) => !existing.has(name))).toEqual([]);
  });
});

describe('the row-level security check', () => {
  let testDb: TestDatabase;
  let posts: SubgraphDatabase;

  /** As the connection's own user, as a careless migration would: the subgraph's role may not alter tables. */
  const asOwner = (statements: string[]) =>
    posts.system(async (tx) => {
      await tx.execute(sql`reset role`);
      for (const statement of statements) await tx.execute(sql.raw(statement));
    });

  beforeAll(async () => {
    testDb = await openTestDatabase();
    posts = testDb.connection.forSubgraph('posts', migrationsOf('posts'));
    await posts.migrate();
  });
  afterAll(() => testDb.drop());

  it('reports a tenant table whose policy was dropped, and one whose RLS is no longer forced', async () => {
    expect(await rowLevelSecurityFaults(posts)).toEqual([]);
    await asOwner(['drop policy tenant_isolation on posts.comments', 'alter table posts.reactions no force row level security']);
    expect(await rowLevelSecurityFaults(posts)).toEqual([
      'posts.comments: has no tenant policy',
      'posts.reactions: row-level security is not enabled and forced',
    ]);
  });

  it('reports a policy that lets a tenant see more than its own rows', async () => {
    await asOwner([`create policy everyone_reads on posts.posts for select using (true)`]);
    expect(await rowLevelSecurityFaults(posts)).toContain('posts.posts: policy everyone_reads is not a tenant policy (true)');
  });

  it('reports a readable platform-wide table that a tenant could write', async () => {
    const billing = testDb.connection.forSubgraph('billing', migrationsOf('billing'));
    await billing.migrate();
    expect(await rowLevelSecurityFaults(billing)).toEqual([]);
    await billing.system(async (tx) => {
      await tx.execute(sql`reset role`);
      await tx.execute(sql.raw('create policy anyone_withdraws on billing.withdrawals for insert with check (true)'));
    });
    expect(await rowLevelSecurityFaults(billing)).toEqual(['billing.withdrawals: policy anyone_withdraws is not a system-only policy (no using expression)']);
  });

  it('reports a table without association_id that nobody listed as platform-wide', async () => {
    await asOwner(['create table posts.site_settings (name text primary key, value text)']);
    expect(await rowLevelSecurityFaults(posts)).toContain('posts.site_settings: has no association_id and is not listed as platform-wide');
  });
});
