import { createLogger, PeriodicJob, type BackgroundJob, type Logger } from '@tunet/kit';
import { withOperationsFeature, type OperationsFeatureCheck } from '../feature';
import type { MaintenanceRepository } from './maintenance.repository';

const BATCH = 100;

/**
 * Flags overdue rounds to their responsible person (or the board) once: every minute each replica claims open
 * occurrences past due that nobody was told about, and writes a `maintenance_task.overdue` event for each in the
 * claim's transaction. The claim is a conditional update, so replicas sweeping at once tell each person once. Only
 * associations with the operations center (billing asked) are swept; archived tasks never.
 */
export class OverdueMaintenanceSweep implements BackgroundJob {
  private readonly job: PeriodicJob;
  private readonly now: () => Date;

  constructor(
    private readonly repository: MaintenanceRepository,
    private readonly featureOn: OperationsFeatureCheck,
    options: { now?: () => Date; intervalMs?: number; logger?: Logger } = {},
  ) {
    this.now = options.now ?? (() => new Date());
    // A full batch means more are due: the job runs again at once instead of waiting.
    this.job = new PeriodicJob(
      'maintenance-overdue',
      options.intervalMs ?? 60_000,
      async () => (await this.sweep()) >= BATCH,
      options.logger ?? createLogger('maintenance-overdue'),
    );
  }

  /** Claims and announces what is overdue now; says how many this replica claimed. */
  async sweep(): Promise<number> {
    // Only associations with the operations center hear of overdue rounds; the others' stay unclaimed.
    const now = this.now();
    const entitled = await withOperationsFeature(await this.repository.overdueAssociations(now), this.featureOn);
    return (await this.repository.claimOverdue(now, BATCH, entitled)).length;
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }
}
