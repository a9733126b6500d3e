import { randomUUID } from 'node:crypto';
import { badUserInput, createLogger, isUuid, notFound, parseInput, type Logger, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import { moveOutAnnouncements } from '../housing/move-out.rules';
import { readCsvRows } from './csv';
import { listedChanges } from './import-changes';
import { planImport, type ImportCounts, type ImportMode, type ImportPlan, type RowChange } from './import-plan';
import { validateRows, type ImportRow, type RawRow, type Rejection } from './import-rows';
import { creatorOf, requireImporter } from './imports.access';
import type { ChangeBatch, ImportJobRow, ImportOutcome, ImportSession, ImportsRepository } from './imports.repository';
import { ProgressReporter } from './progress';

export interface ImportsSettings {
  /** Rows written per round of statements: large enough to be set-based, small enough for visible progress. */
  chunkRows: number;
  /** How often a running job proves it is alive. */
  heartbeatMs: number;
  /** An unfinished job silent this long is reported failed: its process died. */
  staleAfterSeconds: number;
}

export const DEFAULT_IMPORTS_SETTINGS: ImportsSettings = { chunkRows: 5_000, heartbeatMs: 15_000, staleAfterSeconds: 120 };

const MAX_ROWS = 100_000;
const MAX_CSV_BYTES = 20 * 1024 * 1024;
const NO_COUNTS: ImportCounts = { created: 0, updated: 0, unchanged: 0, movedOut: 0 };

const cell = z.string().nullish();
const rowInput = z.object({
  shareNumber: cell,
  building: cell,
  unitNumber: cell,
  name: cell,
  email: cell,
  phone: cell,
  relation: cell,
  contractNumber: cell,
  moveIn: cell,
  moveOut: cell,
});
const importInput = z
  .object({
    mode: z.enum(['UPSERT', 'FULL_SYNC']).transform((mode) => mode.toLowerCase() as ImportMode),
    dryRun: z.boolean().nullish(),
    allOrNothing: z.boolean().nullish(),
    rows: z.array(rowInput).max(MAX_ROWS, `at most ${MAX_ROWS} rows per import`).nullish(),
    csv: z
      .string()
      .refine((csv) => Buffer.byteLength(csv) <= MAX_CSV_BYTES, 'at most 20 MB per import')
      .nullish(),
  })
  .refine((input) => (input.rows == null) !== (input.csv == null), { path: ['rows'], message: 'give either rows or csv' });

/** Thrown to roll a dry run back once its report is known; the report travels with it. */
class DryRunRollback extends Error {
  constructor(readonly outcome: ImportOutcome) {
    super('dry run');
  }
}

/**
 * Member imports from the property manager. `start` checks the request, parses CSV and records a queued job, then
 * runs the job in the background of this process (there is no job queue yet) and returns at once; callers follow
 * it with `job`. A job writes all its changes and its final status in one transaction, so a process that dies
 * mid-import leaves nothing half-written: its job stays unfinished, stops beating, and is reported FAILED once
 * `staleAfterSeconds` have passed. Dry runs do all the same writes and roll them back, so they report exactly
 * what the real run would.
 */
export class ImportsService {
  private readonly settings: ImportsSettings;
  private readonly logger: Logger = createLogger('imports');

  constructor(
    private readonly repository: ImportsRepository,
    settings: Partial<ImportsSettings> = {},
  ) {
    this.settings = { ...DEFAULT_IMPORTS_SETTINGS, ...settings };
  }

  async start(viewer: Viewer | null, raw: unknown): Promise<ImportJobRow> {
    const tenant = requireImporter(viewer);
    const input = parseInput(importInput, raw);
    const field = input.csv != null ? 'csv' : 'rows';
    const received: RawRow[] = input.csv != null ? readCsvRows(input.csv) : input.rows!.map((values, i) => ({ line: i + 1, values }));
    if (received.length === 0) throw badUserInput(field, 'The import has no rows.');
    if (received.length > MAX_ROWS) throw badUserInput(field, `At most ${MAX_ROWS} rows per import.`);
    const job = await this.repository.createJob(tenant, {
      id: randomUUID(),
      mode: input.mode,
      dryRun: input.dryRun ?? false,
      allOrNothing: input.allOrNothing ?? false,
      totalRows: received.length,
      ...creatorOf(viewer!),
    });
    void this.run(job, received);
    return job;
  }

  async job(viewer: Viewer | null, id: string): Promise<ImportJobRow> {
    const tenant = requireImporter(viewer);
    const job = isUuid(id) ? await this.repository.findJob(tenant, id, this.settings.staleAfterSeconds) : null;
    if (!job) throw notFound('Import job');
    return job;
  }

  /** Never rejects: whatever goes wrong ends up in the job's status and the log. */
  private async run(job: ImportJobRow, received: RawRow[]): Promise<void> {
    const { associationId: tenant, id } = job;
    const progress = new ProgressReporter(
      (processed) => this.repository.reportProgress(tenant, id, processed),
      this.settings.heartbeatMs,
      (error) => this.logger.warn({ err: error, jobId: id }, 'import progress not recorded'),
    );
    try {
      await this.repository.markRunning(tenant, id);
      const { outcome, recorded } = await this.execute(job, validateRows(received), progress);
      if (!recorded) await this.repository.finishJob(tenant, id, outcome);
    } catch (error) {
      this.logger.error({ err: error, jobId: id, associationId: tenant }, 'member import failed');
      const failed: ImportOutcome = { status: 'failed', counts: NO_COUNTS, rejected: [], processedRows: 0, error: String(error) };
      await this.repository.finishJob(tenant, id, failed).catch((e: unknown) => this.logger.error({ err: e, jobId: id }, 'import job not closed'));
    } finally {
      await progress.stop();
    }
  }

  /** Plans and writes in one transaction; `recorded` says whether the final status was committed with the changes. */
  private async execute(
    job: ImportJobRow,
    validated: { rows: ImportRow[]; rejected: Rejection[] },
    progress: ProgressReporter,
  ): Promise<{ outcome: ImportOutcome; recorded: boolean }> {
    try {
      return await this.repository.transaction(job.associationId, async (session) => {
        const plan = planImport(await session.snapshot(), validated.rows, validated.rejected, job.mode);
        if (job.allOrNothing && plan.rejected.length > 0) {
          return { outcome: { status: 'failed', counts: NO_COUNTS, rejected: plan.rejected, processedRows: job.totalRows }, recorded: false };
        }
        await this.write(session, plan, job.totalRows, progress);
        const outcome: ImportOutcome = { status: 'completed', counts: plan.counts, rejected: plan.rejected, processedRows: job.totalRows };
        if (job.dryRun) throw new DryRunRollback({ ...outcome, listed: listedChanges(plan) });
        await session.finishJob(job.id, outcome);
        return { outcome, recorded: true };
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return { outcome: error.outcome, recorded: false };
      throw error;
    }
  }

  /** Chunk by chunk in row order, reporting progress after each; the full sync's move-outs come last. */
  private async write(session: ImportSession, plan: ImportPlan, totalRows: number, progress: ProgressReporter): Promise<void> {
    let next = 0;
    for (let start = 0; start < totalRows; start += this.settings.chunkRows) {
      const end = Math.min(start + this.settings.chunkRows, totalRows);
      const chunk: RowChange[] = [];
      while (next < plan.changes.length && plan.changes[next]!.position < end) chunk.push(plan.changes[next++]!);
      await session.write(batchOf(chunk, plan.timeZone));
      progress.report(end);
    }
    const endings = plan.fullSyncMoveOuts;
    await session.write({
      newPeople: [],
      changedPeople: [],
      newTenures: [],
      changedTenures: endings,
      events: endings.flatMap((tenure) => moveOutAnnouncements(tenure, null, plan.timeZone)),
    });
  }
}

function batchOf(changes: RowChange[], timeZone: string): ChangeBatch {
  return {
    newPeople: changes.flatMap((c) => c.newPerson ?? []),
    changedPeople: changes.flatMap((c) => c.changedPerson ?? []),
    newTenures: changes.flatMap((c) => c.newTenure ?? []),
    changedTenures: changes.flatMap((c) => c.changedTenure ?? []),
    // The plan already compared each tenure's day with the one it had: the rule announces what it lists.
    events: changes.flatMap((c) => (c.movedOut ? moveOutAnnouncements(c.movedOut, null, timeZone) : [])),
  };
}
