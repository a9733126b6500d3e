import path from 'node:path';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { sql } from 'drizzle-orm';
import type { SubgraphDatabase } from './database';
import { Client } from 'pg';
import { requireEnv } from './secrets';
import { openTestDatabase, testBackend, type TestDatabase } from './kit.fixtures';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const fixtures = path.join(__dirname, '__fixtures__');

/** Drizzle wraps driver errors; the database's own message is the cause. */
const failingWith = (pattern: RegExp) => ({ cause: expect.objectContaining({ message: expect.stringMatching(pattern) }) });

type NoteRow = { association_id: string; id: number; body: string };
const rows = async (db: SubgraphDatabase, scope: string | null, text: ReturnType<typeof sql>) => {
  const run = async (tx: Parameters<Parameters<SubgraphDatabase['system']>[0]>[0]) => ((await tx.execute(text)) as { rows: NoteRow[] }).rows;
  return scope ? db.tenant(scope, run) : db.system(run);
};

describe('SubgraphDatabase', () => {
  let testDb: TestDatabase;
  let alpha: SubgraphDatabase;
  let beta: SubgraphDatabase;

  beforeAll(async () => {
    testDb = await openTestDatabase();
    alpha = testDb.connection.forSubgraph('alpha', path.join(fixtures, 'alpha'));
    beta = testDb.connection.forSubgraph('beta', path.join(fixtures, 'beta'));
    await alpha.migrate();
    await beta.migrate();
    await alpha.tenant(A, (tx) => tx.execute(sql`insert into alpha.notes values (${A}, 1, 'a1'), (${A}, 2, 'a2')`));
    await alpha.tenant(B, (tx) => tx.execute(sql`insert into alpha.notes values (${B}, 1, 'b1')`));
  });
  afterAll(() => testDb.drop());

  it('applies each migration once', async () => {
    expect(await alpha.migrate()).toEqual([]);
  });

  it('shows a tenant only its own rows even when the SQL asks for everything', async () => {
    const seen = await rows(alpha, A, sql`select * from alpha.notes order by id`);
    expect(seen.map((row) => row.body)).toEqual(['a1', 'a2']);
    expect((await rows(alpha, B, sql`select * from alpha.notes`)).map((row) => row.body)).toEqual(['b1']);
  });

  it("refuses to write a row into another tenant's association", async () => {
    await expect(alpha.tenant(A, (tx) => tx.execute(sql`insert into alpha.notes values (${B}, 9, 'forged')`))).rejects.toMatchObject(
      failingWith(/row-level security/),
    );
    await expect(alpha.tenant(A, (tx) => tx.execute(sql`update alpha.notes set body = 'x' where association_id = ${B}`))).resolves.toBeDefined();
    expect((await rows(alpha, B, sql`select body from alpha.notes`)).map((row) => row.body)).toEqual(['b1']);
  });

  it('lets system scope see every tenant', async () => {
    expect(await rows(alpha, null, sql`select * from alpha.notes`)).toHaveLength(3);
  });

  it("denies one subgraph's role any access to another subgraph's schema", async () => {
    await expect(rows(alpha, null, sql`select * from beta.secrets`)).rejects.toMatchObject(failingWith(/permission denied/));
  });

  it('rolls back everything when the transaction fails', async () => {
    await expect(
      alpha.tenant(A, async (tx) => {
        await tx.execute(sql`insert into alpha.notes values (${A}, 3, 'half')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await rows(alpha, A, sql`select * from alpha.notes where id = 3`)).toEqual([]);
  });

  it('rejects a tenant that is not an association id', async () => {
    expect(() => alpha.tenant("x' or true --", async () => null)).toThrow(/association id/);
  });
});

describe('SubgraphDatabase.migrate checksums', () => {
  let testDb: TestDatabase;
  let dir: string;
  const file = '0001_create_notes.sql';
  const gamma = () => testDb.connection.forSubgraph('gamma', dir);

  beforeEach(async () => {
    testDb = await openTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'tunet-migrations-'));
    const original = await readFile(path.join(fixtures, 'alpha', file), 'utf8');
    await writeFile(path.join(dir, file), original.replaceAll('alpha.', 'gamma.'));
  });
  afterEach(async () => {
    await testDb.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start, naming the file, when an applied migration was changed', async () => {
    expect(await gamma().migrate()).toEqual([file]);
    await appendFile(path.join(dir, file), '\ncreate index notes_body on gamma.notes (body);\n');
    await expect(gamma().migrate()).rejects.toThrow(new RegExp(`${file}.*changed`));
  });

  it('lets one of two runners started at once apply each file, the other finding nothing left (advisory lock)', async () => {
    const results = await Promise.all([gamma().migrate(), gamma().migrate()]);
    expect(results.map((applied) => applied.length).sort()).toEqual([0, 1]);
  });

  it('records the checksum of a file applied before checksums existed, then holds it to that', async () => {
    await gamma().migrate();
    // The table as the runner made it before checksums: as the connection's own user, not the subgraph's role.
    await gamma().system(async (tx) => {
      await tx.execute(sql`reset role`);
      await tx.execute(sql`alter table gamma.schema_migrations drop column checksum`);
    });
    expect(await gamma().migrate()).toEqual([]);
    expect(await gamma().migrate()).toEqual([]);
    await writeFile(path.join(dir, file), '-- rewritten\n');
    await expect(gamma().migrate()).rejects.toThrow(file);
  });
});

/** PostgreSQL restarted (or a failover, or an operator's pg_terminate_backend): every connection of the pool is cut. */
(testBackend() === 'postgres' ? describe : describe.skip)('SubgraphDatabase when PostgreSQL cuts its connections', () => {
  let testDb: TestDatabase;
  let delta: SubgraphDatabase;

  /** Terminates every backend of the test's database, as a restart does, from a superuser connection of its own. */
  const terminateAll = async (): Promise<number> => {
    const admin = new Client({ connectionString: requireEnv('TEST_DATABASE_URL') });
    await admin.connect();
    try {
      const name = new URL(testDb.url!).pathname.slice(1);
      const result = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      return result.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  };
  const ids = async () => (await rows(delta, null, sql`select id from delta.notes order by id`)).map((row) => row.id);

  beforeAll(async () => {
    testDb = await openTestDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), 'tunet-migrations-'));
    const original = await readFile(path.join(fixtures, 'alpha', '0001_create_notes.sql'), 'utf8');
    await writeFile(path.join(dir, '0001_create_notes.sql'), original.replaceAll('alpha.', 'delta.'));
    delta = testDb.connection.forSubgraph('delta', dir);
    await delta.migrate();
    await rm(dir, { recursive: true, force: true });
  });
  afterAll(() => testDb.drop());

  it('survives idle and busy connections being terminated, and the next queries succeed without a restart', async () => {
    // Several connections at once, so the pool holds idle ones when they are cut.
    await Promise.all([1, 2, 3, 4, 5].map((id) => delta.tenant(A, (tx) => tx.execute(sql`insert into delta.notes values (${A}, ${id}, 'before')`))));
    let halfway: () => void = () => undefined;
    const reachedHalfway = new Promise<void>((resolve) => (halfway = resolve));
    let terminated: () => void = () => undefined;
    const wasTerminated = new Promise<void>((resolve) => (terminated = resolve));
    const busy = delta.tenant(A, async (tx) => {
      await tx.execute(sql`insert into delta.notes values (${A}, 6, 'half')`);
      halfway();
      // Between two statements while the connection is cut: no query of its own is in flight to hear it.
      await wasTerminated;
      await tx.execute(sql`select 1`);
    });
    await reachedHalfway;
    expect(await terminateAll()).toBeGreaterThanOrEqual(5);
    terminated();
    // The transaction cut halfway fails and leaves nothing; the process goes on.
    // The statement that met the cut is what the caller hears, not the rollback that could not be sent after it.
    await expect(busy).rejects.toThrow('Failed query: select 1');
    for (let i = 0; i < 10; i++) expect(await ids()).toEqual([1, 2, 3, 4, 5]);
    await delta.tenant(A, (tx) => tx.execute(sql`insert into delta.notes values (${A}, 7, 'after')`));
    expect(await ids()).toEqual([1, 2, 3, 4, 5, 7]);
  });
});
