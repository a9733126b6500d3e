import { createLogger, PeriodicJob, type BackgroundJob, type Logger } from '@tunet/kit';
import type { LifecycleRepository } from './lifecycle.repository';

/** How long before the start `reservation.reminder_due` goes out. */
export const REMINDER_LEAD_MS = 24 * 3_600_000;
const SWEEP_BATCH = 100;

/**
 * Announces `reservation.reminder_due` once per confirmed booking, 24 hours before it starts, from a sweep every
 * minute; bookings made less than 24 hours ahead get theirs on the next sweep. Safe to run on every replica at once.
 */
export class BookingReminders implements BackgroundJob {
  private readonly job: PeriodicJob;

  constructor(
    private readonly repository: LifecycleRepository,
    options: { intervalMs?: number; logger?: Logger } = {},
    private readonly now: () => Date = () => new Date(),
  ) {
    // A full batch means more are due: the job goes on at once instead of waiting a minute.
    this.job = new PeriodicJob(
      'booking-reminders',
      options.intervalMs ?? 60_000,
      async () => (await this.sweep()) >= SWEEP_BATCH,
      options.logger ?? createLogger('booking-reminders'),
    );
  }

  /** Announces the bookings now due; resolves to how many. */
  sweep(): Promise<number> {
    const now = this.now();
    return this.repository.claimDueReminders(now, new Date(now.getTime() + REMINDER_LEAD_MS), SWEEP_BATCH);
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }
}
