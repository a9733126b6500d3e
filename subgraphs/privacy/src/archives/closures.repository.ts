import { randomUUID } from 'node:crypto';
import type { ReceiptEntry, SubgraphDatabase, Tx } from '@tunet/kit';
import { sql } from 'drizzle-orm';

export type ClosureStatus = 'exporting' | 'ready' | 'erasing' | 'erased';
export type ClosurePhase = 'export' | 'erase';
export type ClosureStartedBy = 'event' | 'operator';

export interface ClosureRow {
  associationId: string;
  terminationId: string;
  terminatedOn: string;
  timeZone: string;
  startedBy: ClosureStartedBy;
  exportDueOn: string;
  availableUntil: string;
  eraseBy: string;
  status: ClosureStatus;
  archiveKey: string | null;
  sizeBytes: number | null;
  readyAt: Date | null;
  erasedAt: Date | null;
  receiptNb: string | null;
  receiptEn: string | null;
}

/** A closure as `lease` hands it to a run: `leasedUntil` is the lease that run holds, for `release` and `renew`. */
export interface LeasedClosure extends ClosureRow {
  leasedUntil: Date;
}

/** How the copy was handed over: each download link issued, for the deletion receipt (read before the links go). */
export interface HandoverEntry {
  issuedAt: Date;
  expiresAt: Date;
  downloads: number;
  lastDownloadAt: Date | null;
}

export interface ClosureStep {
  phase: ClosurePhase;
  subgraph: string;
  attempts: number;
  lastError: string | null;
  doneAt: Date | null;
  receipt: ReceiptEntry[] | null;
}

type Row = Record<string, unknown>;

/** PostgreSQL's foreign_key_violation (SQLSTATE 23503); drizzle wraps the driver's error as the cause. */
function isForeignKeyViolation(error: unknown): boolean {
  return (error as { cause?: { code?: string } } | null)?.cause?.code === '23503';
}

async function rowsOf(tx: Tx, query: ReturnType<typeof sql>): Promise<Row[]> {
  const result: unknown = await tx.execute(query);
  return (result as { rows: Row[] }).rows;
}

const instant = (value: unknown): Date | null => (value == null ? null : new Date(value as string | Date));

function closureOf(row: Row): ClosureRow {
  return {
    associationId: row.association_id as string,
    terminationId: row.termination_id as string,
    terminatedOn: row.terminated_on as string,
    timeZone: row.time_zone as string,
    startedBy: row.started_by as ClosureRow['startedBy'],
    exportDueOn: row.export_due_on as string,
    availableUntil: row.available_until as string,
    eraseBy: row.erase_by as string,
    status: row.status as ClosureStatus,
    archiveKey: (row.archive_key as string | null) ?? null,
    sizeBytes: row.size_bytes == null ? null : Number(row.size_bytes),
    readyAt: instant(row.ready_at),
    erasedAt: instant(row.erased_at),
    receiptNb: (row.receipt_nb as string | null) ?? null,
    receiptEn: (row.receipt_en as string | null) ?? null,
  };
}

/** Dates as text: drivers differ in how they turn a `date` into a JavaScript value. */
const CLOSURE = sql.raw(`association_id, termination_id, terminated_on::text, time_zone, started_by, export_due_on::text, available_until::text,
  erase_by::text, status, archive_key, size_bytes, ready_at, erased_at, receipt_nb, receipt_en`);

/** Tables of the privacy schema that name an association but are not the closure's own record of itself. */
const CLOSURE_TABLES = ['association_closures', 'association_closure_steps'];

/** The only SQL of association closures. Each call names its tenant, or says why it needs system scope. */
export class ClosuresRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** Starts a closure with its export steps; a second start (a redelivered event, an operator's retry) changes nothing. */
  async start(
    closure: Omit<ClosureRow, 'status' | 'archiveKey' | 'sizeBytes' | 'readyAt' | 'erasedAt' | 'receiptNb' | 'receiptEn'>,
    subgraphs: readonly string[],
    now: Date,
  ): Promise<boolean> {
    return this.db.tenant(closure.associationId, async (tx) => {
      const inserted = await rowsOf(
        tx,
        sql`insert into privacy.association_closures (association_id, termination_id, terminated_on, time_zone, started_by, export_due_on,
              available_until, erase_by, status, created_at)
            values (${closure.associationId}, ${closure.terminationId}, ${closure.terminatedOn}, ${closure.timeZone}, ${closure.startedBy},
              ${closure.exportDueOn}, ${closure.availableUntil}, ${closure.eraseBy}, 'exporting', ${now})
            on conflict (association_id) do nothing returning 1`,
      );
      if (inserted.length === 0) return false;
      await this.addSteps(tx, closure.associationId, 'export', subgraphs);
      return true;
    });
  }

  /**
   * Leases up to `limit` closures with work due for `leaseMs`, oldest first (system scope: the job serves every
   * association). Closures another run holds (locked now, or leased and not run out) are skipped, so two processes
   * never work on one closure at once. A ready closure waits three months with nothing to do; leased, the oldest of
   * them would take every run's few places and starve a newer export of its one-month deadline. So a ready one is
   * leased only once its last day is over in UTC + 14 h, the zone furthest ahead: a day early for most zones, never
   * late, and the run's deletionDue decides exactly in the association's zone. No index of its own: the open
   * closures are one per association terminated in the last nine months or so, found by association_closures_open
   * (status, where not erased), and sorting those by created_at is cheap.
   */
  async lease(now: Date, leaseMs: number, limit: number): Promise<LeasedClosure[]> {
    const until = new Date(now.getTime() + leaseMs);
    return this.db.system(async (tx) =>
      (
        await rowsOf(
          tx,
          sql`update privacy.association_closures c set leased_until = ${until.toISOString()}::timestamptz
              from (select association_id as due_id from privacy.association_closures
                    where status <> 'erased'
                      and (status in ('exporting', 'erasing')
                        or available_until < (${now.toISOString()}::timestamptz at time zone 'UTC' + interval '14 hours')::date)
                      and (leased_until is null or leased_until < ${now.toISOString()}::timestamptz)
                    order by created_at limit ${limit} for update skip locked) due
              where c.association_id = due.due_id
              returning ${CLOSURE}, created_at`,
        )
      )
        .sort((a, b) => new Date(a.created_at as string).getTime() - new Date(b.created_at as string).getTime())
        .map((row) => ({ ...closureOf(row), leasedUntil: until })),
    );
  }

  /**
   * Ends the lease a run took (`leasedUntil`, as `lease` or `renew` set it). A lease another process has taken since,
   * once this one ran out, is left alone: clearing it would let a third process work the closure beside that one.
   */
  async release(tenant: string, leasedUntil: Date): Promise<void> {
    await this.db.tenant(tenant, (tx) =>
      tx.execute(sql`update privacy.association_closures set leased_until = null
          where association_id = ${tenant} and leased_until = ${leasedUntil.toISOString()}::timestamptz`),
    );
  }

  /** Moves a run's lease from `leasedUntil` to `until`; false, and nothing changed, when another process has taken it since. */
  async renew(tenant: string, leasedUntil: Date, until: Date): Promise<boolean> {
    return this.db.tenant(tenant, async (tx) => {
      const renewed = await rowsOf(
        tx,
        sql`update privacy.association_closures set leased_until = ${until.toISOString()}::timestamptz
            where association_id = ${tenant} and leased_until = ${leasedUntil.toISOString()}::timestamptz returning 1`,
      );
      return renewed.length > 0;
    });
  }

  async find(tenant: string): Promise<ClosureRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      const [row] = await rowsOf(tx, sql`select ${CLOSURE} from privacy.association_closures where association_id = ${tenant}`);
      return row ? closureOf(row) : null;
    });
  }

  async steps(tenant: string, phase: ClosurePhase): Promise<ClosureStep[]> {
    return this.db.tenant(tenant, async (tx) =>
      (await rowsOf(tx, sql`select * from privacy.association_closure_steps where association_id = ${tenant} and phase = ${phase} order by subgraph`)).map(
        (row) => ({
          phase: row.phase as ClosurePhase,
          subgraph: row.subgraph as string,
          attempts: Number(row.attempts),
          lastError: (row.last_error as string | null) ?? null,
          doneAt: instant(row.done_at),
          receipt: (row.receipt as ReceiptEntry[] | null) ?? null,
        }),
      ),
    );
  }

  /** One attempt at a step: its receipt when the subgraph confirmed, else why not (asked again on the next run). */
  async recordAttempt(
    tenant: string,
    phase: ClosurePhase,
    subgraph: string,
    outcome: { receipt: ReceiptEntry[] } | { error: string },
    now: Date,
  ): Promise<void> {
    await this.db.tenant(tenant, (tx) =>
      'receipt' in outcome
        ? tx.execute(sql`update privacy.association_closure_steps set attempts = attempts + 1, last_error = null, done_at = ${now},
              receipt = ${JSON.stringify(outcome.receipt)}::jsonb
            where association_id = ${tenant} and phase = ${phase} and subgraph = ${subgraph} and done_at is null`)
        : tx.execute(sql`update privacy.association_closure_steps set attempts = attempts + 1, last_error = ${outcome.error.slice(0, 500)}
            where association_id = ${tenant} and phase = ${phase} and subgraph = ${subgraph} and done_at is null`),
    );
  }

  /** The export is ready: recorded with `association.export_ready` in one transaction. */
  async markReady(tenant: string, archive: { key: string; sizeBytes: number; readyAt: Date; expiresAt: Date; exportId: string }): Promise<void> {
    await this.db.tenant(tenant, async (tx) => {
      const changed = await rowsOf(
        tx,
        sql`update privacy.association_closures set status = 'ready', archive_key = ${archive.key}, size_bytes = ${archive.sizeBytes},
            ready_at = ${archive.readyAt} where association_id = ${tenant} and status = 'exporting' returning 1`,
      );
      // Announced once: a closure that was already ready changes nothing and says nothing.
      if (changed.length === 0) return;
      await this.db.outbox.add(tx, {
        associationId: tenant,
        topic: 'association.export_ready',
        payload: { exportId: archive.exportId, expiresAt: archive.expiresAt.toISOString() },
      });
    });
  }

  /** The export's time is over: deletion starts, with one step per subgraph; the archive's key is forgotten. */
  async startErasing(tenant: string, subgraphs: readonly string[]): Promise<void> {
    await this.db.tenant(tenant, async (tx) => {
      await tx.execute(sql`update privacy.association_closures set status = 'erasing', archive_key = null where association_id = ${tenant}`);
      await this.addSteps(tx, tenant, 'erase', subgraphs);
    });
  }

  /**
   * Deletes every row of the association in the privacy schema except the closure's own record (outbox included),
   * table by table from the database catalogue, so a table added later is not forgotten. A table whose rows others
   * still reference is retried after the others. A table the subgraph's role may not delete from (the append-only
   * access log, decision 0039) is left alone and returned as such, for the receipt to name. Returns the rows deleted
   * per table, and the download links issued (read in the same transaction, before they are deleted).
   */
  async eraseOwnRows(tenant: string): Promise<{ erased: Record<string, number>; appendOnly: string[]; handover: HandoverEntry[] }> {
    return this.db.tenant(tenant, async (tx) => {
      const handover = (
        await rowsOf(
          tx,
          sql`select issued_at, expires_at, downloads, last_download_at from privacy.closure_export_links
              where association_id = ${tenant} order by issued_at, expires_at`,
        )
      ).map((row) => ({
        issuedAt: instant(row.issued_at)!,
        expiresAt: instant(row.expires_at)!,
        downloads: Number(row.downloads),
        lastDownloadAt: instant(row.last_download_at),
      }));
      const catalogue = (
        await rowsOf(
          tx,
          sql`select c.relname as table_name, has_table_privilege(c.oid, 'DELETE') as deletable from pg_class c
              join pg_namespace n on n.oid = c.relnamespace
              join pg_attribute a on a.attrelid = c.oid and a.attname = 'association_id' and not a.attisdropped
              where n.nspname = 'privacy' and c.relkind in ('r', 'p') order by c.relname`,
        )
      ).filter((row) => !CLOSURE_TABLES.includes(row.table_name as string));
      const tables = catalogue.filter((row) => row.deletable === true).map((row) => row.table_name as string);
      const appendOnly = catalogue.filter((row) => row.deletable !== true).map((row) => row.table_name as string);
      const counts: Record<string, number> = {};
      for (let waiting = tables; waiting.length > 0;) {
        const referenced: string[] = [];
        for (const table of waiting) {
          await tx.execute(sql`savepoint erase_table`);
          try {
            const deleted = await rowsOf(
              tx,
              sql`delete from ${sql.identifier('privacy')}.${sql.identifier(table)} where association_id = ${tenant} returning 1`,
            );
            counts[table] = deleted.length;
            await tx.execute(sql`release savepoint erase_table`);
          } catch (error) {
            if (!isForeignKeyViolation(error)) throw error;
            await tx.execute(sql`rollback to savepoint erase_table`);
            referenced.push(table);
          }
        }
        if (referenced.length === waiting.length) throw new Error(`privacy rows still referenced: ${referenced.join(', ')}`);
        waiting = referenced;
      }
      return { erased: counts, appendOnly, handover };
    });
  }

  async markErased(tenant: string, receipt: { nb: string; en: string }, now: Date): Promise<void> {
    await this.db.tenant(tenant, (tx) =>
      tx.execute(sql`update privacy.association_closures set status = 'erased', erased_at = ${now}, receipt_nb = ${receipt.nb}, receipt_en = ${receipt.en}
          where association_id = ${tenant} and status = 'erasing'`),
    );
  }

  /** A run of the closures job and how many closures it moved on (0 when nothing was due). */
  async logRun(startedAt: Date, changed: number): Promise<void> {
    await this.db.system((tx) =>
      tx.execute(sql`insert into privacy.archive_job_runs (id, job, started_at, finished_at, changed)
          values (${randomUUID()}, 'association_closures', ${startedAt}, clock_timestamp(), ${changed})`),
    );
  }

  private async addSteps(tx: Tx, tenant: string, phase: ClosurePhase, subgraphs: readonly string[]): Promise<void> {
    for (const subgraph of subgraphs) {
      await tx.execute(sql`insert into privacy.association_closure_steps (association_id, phase, subgraph) values (${tenant}, ${phase}, ${subgraph})
          on conflict do nothing`);
    }
  }
}
