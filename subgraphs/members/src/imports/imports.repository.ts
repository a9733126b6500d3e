import { todayIn, type Announcement, type SubgraphDatabase, type Tx } from '@tunet/kit';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { associations, buildings, importJobs, members, tenures, units, type ImportChangeRow } from '../tables';
import type { ImportCounts, Person, Snapshot, Tenure } from './import-plan';
import type { Rejection } from './import-rows';

export type ImportJobRow = typeof importJobs.$inferSelect;
export type NewImportJob = Omit<typeof importJobs.$inferInsert, 'associationId'>;

/** How a job ended: what goes into its row when it finishes. */
export interface ImportOutcome {
  status: 'completed' | 'failed';
  counts: ImportCounts;
  rejected: Rejection[];
  processedRows: number;
  /** A dry run's list of what it would change (decision 0046). */
  listed?: { changes: ImportChangeRow[]; truncated: boolean };
  /** For operators (logged and stored), never shown to the caller. */
  error?: string;
}

/** The writes of one chunk of rows, in an order the foreign keys accept. */
export interface ChangeBatch {
  newPeople: Person[];
  changedPeople: Person[];
  newTenures: Tenure[];
  changedTenures: Tenure[];
  /** Written to the outbox with the changes: the service's `member.moved_out` for each tenure the batch ends. */
  events: Announcement[];
}

const UNFINISHED = ['queued', 'running'] as const;

/** The only code that reads or writes import jobs, and the import's set-based reads and writes. */
export class ImportsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  async createJob(tenant: string, job: NewImportJob): Promise<ImportJobRow> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .insert(importJobs)
        .values({ ...job, associationId: tenant })
        .returning(),
    );
    return row!;
  }

  /**
   * The job, after marking it failed if it is unfinished and its heartbeat has stopped: the process running it
   * died (nothing was written, since the changes commit together with the final status). Done here because a
   * poll is when someone wants to know, and it needs no sweeper that could mistake another replica's live job.
   */
  async findJob(tenant: string, id: string, staleAfterSeconds: number): Promise<ImportJobRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      await tx
        .update(importJobs)
        .set({ status: 'failed', error: 'The process running the import stopped; nothing was written.', finishedAt: sql`now()` })
        .where(
          and(
            this.job(tenant, id),
            inArray(importJobs.status, [...UNFINISHED]),
            sql`${importJobs.heartbeatAt} < now() - make_interval(secs => ${staleAfterSeconds})`,
          ),
        );
      const [row] = await tx.select().from(importJobs).where(this.job(tenant, id));
      return row ?? null;
    });
  }

  async markRunning(tenant: string, id: string): Promise<void> {
    await this.db.tenant(tenant, (tx) =>
      tx
        .update(importJobs)
        .set({ status: 'running', heartbeatAt: sql`now()` })
        .where(and(this.job(tenant, id), eq(importJobs.status, 'queued'))),
    );
  }

  /** Progress and heartbeat, in a short transaction of its own so that `importJob` sees it while the import runs. */
  async reportProgress(tenant: string, id: string, processedRows: number): Promise<void> {
    await this.db.tenant(tenant, (tx) =>
      tx
        .update(importJobs)
        .set({ processedRows: sql`greatest(${importJobs.processedRows}, ${processedRows})`, heartbeatAt: sql`now()` })
        .where(and(this.job(tenant, id), eq(importJobs.status, 'running'))),
    );
  }

  /** Finishes a job whose changes were not committed (dry run, all-or-nothing, error); a no-op once finished. */
  async finishJob(tenant: string, id: string, outcome: ImportOutcome): Promise<void> {
    await this.db.tenant(tenant, (tx) => finish(tx, tenant, id, outcome, UNFINISHED));
  }

  /**
   * Runs the import in one tenant transaction. Imports of one association take turns (an advisory lock), so two
   * of them cannot both create the same new person.
   */
  transaction<T>(tenant: string, fn: (session: ImportSession) => Promise<T>): Promise<T> {
    return this.db.tenant(tenant, async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`tunet.members.import.${tenant}`}))`);
      return fn(new ImportSession(tx, this.db, tenant));
    });
  }

  private job(tenant: string, id: string) {
    return and(eq(importJobs.associationId, tenant), eq(importJobs.id, id));
  }
}

/** Reads and writes inside the import's transaction: whole-association reads, and one statement per kind of change. */
export class ImportSession {
  constructor(
    private readonly tx: Tx,
    private readonly db: SubgraphDatabase,
    private readonly tenant: string,
  ) {}

  async snapshot(): Promise<Snapshot> {
    const { tx, tenant } = this;
    const [association] = await tx.select({ timeZone: associations.timeZone }).from(associations).where(eq(associations.id, tenant));
    if (!association) throw new Error(`association ${tenant} not found`);
    const unitRows = await tx
      .select({ id: units.id, shareNumber: units.shareNumber, building: buildings.name, number: units.number })
      .from(units)
      .innerJoin(buildings, and(eq(buildings.associationId, units.associationId), eq(buildings.id, units.buildingId)))
      .where(eq(units.associationId, tenant));
    const people = await tx
      .select({ id: members.id, name: members.displayName, email: members.email, phone: members.phone })
      .from(members)
      .where(eq(members.associationId, tenant))
      .orderBy(asc(members.createdAt), asc(members.id));
    const tenureRows = await tx
      .select({
        id: tenures.id,
        memberId: tenures.memberId,
        unitId: tenures.unitId,
        relation: tenures.relation,
        contractNumber: tenures.contractNumber,
        moveIn: tenures.moveIn,
        moveOut: tenures.moveOut,
      })
      .from(tenures)
      .where(eq(tenures.associationId, tenant))
      .orderBy(asc(tenures.moveIn), asc(tenures.createdAt));
    return { today: todayIn(association.timeZone), timeZone: association.timeZone, units: unitRows, people, tenures: tenureRows };
  }

  /** Arrays travel as one parameter each and unnest into rows: no parameter limit, one parse per statement. */
  async write(batch: ChangeBatch): Promise<void> {
    await this.insertPeople(batch.newPeople);
    await this.updatePeople(batch.changedPeople);
    await this.insertTenures(batch.newTenures);
    await this.updateTenures(batch.changedTenures);
    for (const event of batch.events) await this.db.outbox.add(this.tx, { ...event, associationId: this.tenant });
  }

  /** Commits the final status with the changes; fails (rolling them back) if the job was meanwhile declared dead. */
  async finishJob(id: string, outcome: ImportOutcome): Promise<void> {
    if ((await finish(this.tx, this.tenant, id, outcome, ['running'])) === 0) {
      throw new Error(`import job ${id} is no longer running; its changes are rolled back`);
    }
  }

  private async insertPeople(people: Person[]): Promise<void> {
    if (people.length === 0) return;
    await this.tx.execute(sql`
      insert into members.members (association_id, id, display_name, email, phone)
      select ${this.tenant}::uuid, v.id, v.name, v.email, v.phone
      from unnest(${array(people, (p) => p.id)}::uuid[], ${array(people, (p) => p.name)}::text[],
                  ${array(people, (p) => p.email)}::text[], ${array(people, (p) => p.phone)}::text[]) as v(id, name, email, phone)`);
  }

  private async updatePeople(people: Person[]): Promise<void> {
    if (people.length === 0) return;
    await this.tx.execute(sql`
      update members.members m set display_name = v.name, email = v.email, phone = v.phone, updated_at = now()
      from unnest(${array(people, (p) => p.id)}::uuid[], ${array(people, (p) => p.name)}::text[],
                  ${array(people, (p) => p.email)}::text[], ${array(people, (p) => p.phone)}::text[]) as v(id, name, email, phone)
      where m.association_id = ${this.tenant}::uuid and m.id = v.id`);
  }

  private async insertTenures(list: Tenure[]): Promise<void> {
    if (list.length === 0) return;
    await this.tx.execute(sql`
      insert into members.tenures (association_id, id, member_id, unit_id, relation, contract_number, move_in, move_out)
      select ${this.tenant}::uuid, v.*
      from unnest(${array(list, (t) => t.id)}::uuid[], ${array(list, (t) => t.memberId)}::uuid[], ${array(list, (t) => t.unitId)}::uuid[],
                  ${array(list, (t) => t.relation)}::text[], ${array(list, (t) => t.contractNumber)}::text[],
                  ${array(list, (t) => t.moveIn)}::date[], ${array(list, (t) => t.moveOut)}::date[])
        as v(id, member_id, unit_id, relation, contract_number, move_in, move_out)`);
  }

  private async updateTenures(list: Tenure[]): Promise<void> {
    if (list.length === 0) return;
    await this.tx.execute(sql`
      update members.tenures t
      set relation = v.relation, contract_number = v.contract_number, move_in = v.move_in, move_out = v.move_out, updated_at = now()
      from unnest(${array(list, (t) => t.id)}::uuid[], ${array(list, (t) => t.relation)}::text[], ${array(list, (t) => t.contractNumber)}::text[],
                  ${array(list, (t) => t.moveIn)}::date[], ${array(list, (t) => t.moveOut)}::date[])
        as v(id, relation, contract_number, move_in, move_out)
      where t.association_id = ${this.tenant}::uuid and t.id = v.id`);
  }
}

/** One column of a batch as a single array parameter. */
function array<T>(items: readonly T[], value: (item: T) => string | null) {
  return sql.param(items.map(value));
}

async function finish(tx: Tx, tenant: string, id: string, outcome: ImportOutcome, from: readonly ('queued' | 'running')[]): Promise<number> {
  const rows = await tx
    .update(importJobs)
    .set({
      status: outcome.status,
      processedRows: outcome.processedRows,
      createdCount: outcome.counts.created,
      updatedCount: outcome.counts.updated,
      movedOutCount: outcome.counts.movedOut,
      unchangedCount: outcome.counts.unchanged,
      rejected: outcome.rejected,
      changes: outcome.listed?.changes ?? [],
      changesTruncated: outcome.listed?.truncated ?? false,
      error: outcome.error ?? null,
      finishedAt: sql`now()`,
    })
    .where(and(eq(importJobs.associationId, tenant), eq(importJobs.id, id), inArray(importJobs.status, [...from])))
    .returning({ id: importJobs.id });
  return rows.length;
}
