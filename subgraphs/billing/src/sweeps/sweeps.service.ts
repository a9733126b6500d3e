import { announceEntitlementsChanged, createLogger, PeriodicJob, todayIn, type BackgroundJob, type FastStore, type Logger } from '@tunet/kit';
import { DEFAULT_TIME_ZONE, lastBlockingDueOn } from '../invoices/invoices.rules';
import type { SweepResult, SweepsRepository } from './sweeps.repository';
import { atPeriodEnd, atTrialEnd, atWithdrawalEnd, becomesBlocked, becomesPastDue } from './sweeps.rules';

export interface SweepOptions {
  /** Days an invoice may be past due before its add-on is blocked (BILLING_BLOCK_AFTER_DAYS). */
  blockAfterDays: number;
  /** The clock; tests move it. */
  now?: () => Date;
  intervalMs?: number;
  logger?: Logger;
}

/** What one round of the sweeps changed, step by step. */
export interface SweepCounts {
  withdrawn: number;
  trialsEnded: number;
  renewed: number;
  pastDue: number;
  blocked: number;
}

const BATCH = 100;

/**
 * Billing's periodic work, in the order a day's events happen: withdrawn add-ons stop, trials end, periods end
 * (renewed with a new invoice, or ended when cancelled), unpaid invoices make add-ons past due and then blocked.
 * Safe on every replica at once (the repository claims rows with skip locked); an association whose add-ons
 * stopped is announced to the gateways once its change committed.
 */
export class BillingSweeps implements BackgroundJob {
  private readonly job: PeriodicJob;
  private readonly now: () => Date;
  private readonly logger: Logger;

  constructor(
    private readonly repository: SweepsRepository,
    private readonly store: FastStore,
    private readonly options: SweepOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.logger = options.logger ?? createLogger('billing-sweeps');
    // A full batch anywhere means more is due: the job runs again at once instead of waiting.
    this.job = new PeriodicJob(
      'billing-sweeps',
      options.intervalMs ?? 5 * 60_000,
      async () => Object.values(await this.sweep()).some((n) => n >= BATCH),
      this.logger,
    );
  }

  async sweep(): Promise<SweepCounts> {
    const now = this.now();
    const today = todayIn(DEFAULT_TIME_ZONE, now);
    const { blockAfterDays } = this.options;
    return {
      withdrawn: await this.announced(
        this.repository.endWithdrawn(today, now, BATCH, (terms, ends) => (ends === null ? null : atWithdrawalEnd(terms, today, ends))),
      ),
      trialsEnded: await this.announced(this.repository.endTrials(today, now, BATCH, (terms, ends) => atTrialEnd(terms, today, ends))),
      renewed: await this.announced(this.repository.renew(today, now, BATCH, (terms, ends) => atPeriodEnd(terms, today, ends))),
      pastDue: await this.announced(this.repository.markPastDue(today, now, BATCH, (s, invoice) => becomesPastDue(s.status, invoice, today, blockAfterDays))),
      blocked: await this.announced(
        this.repository.block(lastBlockingDueOn(today, blockAfterDays), now, BATCH, (s, invoice) => becomesBlocked(s.status, invoice, today, blockAfterDays)),
      ),
    };
  }

  /**
   * Tells the gateways about associations whose add-ons changed, after the commit. A failure is logged, not
   * retried: the change stands, and gateways drop their copies within a minute anyway (docs/decisions/0031).
   */
  private async announced(step: Promise<SweepResult>): Promise<number> {
    const result = await step;
    for (const associationId of new Set(result.entitlementsChanged)) {
      await announceEntitlementsChanged(this.store, associationId).catch((err: unknown) =>
        this.logger.error({ err, associationId }, 'entitlements change not announced; gateways see it when their copy expires'),
      );
    }
    return result.changed;
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }
}
