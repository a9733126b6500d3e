import { sql } from 'drizzle-orm';
import { PeriodicJob } from './background';
import type { SubgraphDatabase } from './database';
import type { Logger } from './logger';

/** What one pass of a retention job removed or changed, per table; tables it looked at and left alone count 0. */
export type RetentionCounts = Record<string, number>;

/** Retention jobs run daily: what is due a day late is still within the periods promised (180 days, five years). */
export const RETENTION_INTERVAL_MS = 24 * 3_600_000;

/**
 * Runs one pass of a retention job at `now()` and writes a row of what it did to `<schema>.retention_runs` (job,
 * started, finished, rows per table), every run, one that found nothing included: the log shows that retention
 * runs, not only what it removed. A pass that fails writes nothing and is retried on the next run.
 */
export async function runRetention(
  db: SubgraphDatabase,
  job: string,
  now: () => Date,
  pass: (now: Date) => Promise<RetentionCounts>,
): Promise<RetentionCounts> {
  const startedAt = now();
  const rows = await pass(startedAt);
  const finishedAt = now();
  await db.system((tx) =>
    tx.execute(sql`
      insert into ${sql.raw(db.schema)}.retention_runs (job, started_at, finished_at, rows)
      values (${job}, ${startedAt.toISOString()}::timestamptz, ${finishedAt.toISOString()}::timestamptz, ${JSON.stringify(rows)}::jsonb)
    `),
  );
  return rows;
}

/** The daily background job that runs `pass` through `runRetention`. */
export function retentionJob(
  db: SubgraphDatabase,
  job: string,
  pass: (now: Date) => Promise<RetentionCounts>,
  logger: Logger,
  now: () => Date = () => new Date(),
): PeriodicJob {
  return new PeriodicJob(job, RETENTION_INTERVAL_MS, () => runRetention(db, job, now, pass), logger);
}
