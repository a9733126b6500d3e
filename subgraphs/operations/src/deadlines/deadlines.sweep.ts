import { createLogger, PeriodicJob, type BackgroundJob, type Logger } from '@tunet/kit';
import { withOperationsFeature, type OperationsFeatureCheck } from '../feature';
import type { DeadlinesRepository } from './deadlines.repository';
import { deadlinesFrom, hoursFor } from './deadlines.rules';

const BATCH = 100;

/**
 * Every minute on every replica: stamps newly reported requests with their deadlines (from the association's hours
 * and the defaults), then claims open requests past a deadline nobody was told about and writes one
 * `service_request.overdue` event for each in the claim's transaction, so the board and the assignee hear once —
 * in associations that have the operations center (billing asked, decision 0043 addendum "review fixes C").
 */
export class DeadlineSweep implements BackgroundJob {
  private readonly job: PeriodicJob;
  private readonly now: () => Date;

  constructor(
    private readonly repository: DeadlinesRepository,
    private readonly featureOn: OperationsFeatureCheck,
    options: { now?: () => Date; intervalMs?: number; logger?: Logger } = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.job = new PeriodicJob(
      'service-request-deadlines',
      options.intervalMs ?? 60_000,
      async () => {
        const { stamped, claimed } = await this.sweep();
        return stamped >= BATCH || claimed >= BATCH;
      },
      options.logger ?? createLogger('service-request-deadlines'),
    );
  }

  async sweep(): Promise<{ stamped: number; claimed: number }> {
    const stamped = await this.repository.stampNew(BATCH, (row, settings) => deadlinesFrom(row.createdAt, hoursFor(row.category, row.urgency, settings)));
    // Only associations with the operations center hear of overdue requests; the others' stay unclaimed.
    const now = this.now();
    const entitled = await withOperationsFeature(await this.repository.overdueAssociations(now), this.featureOn);
    const claimed = (await this.repository.claimOverdue(now, BATCH, entitled)).length;
    return { stamped, claimed };
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }
}
