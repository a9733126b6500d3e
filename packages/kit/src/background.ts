import { createLogger, type Logger } from './logger';
import { Pause } from './events/pause';
import { jobRunDuration, jobRuns } from './metrics';

/** Work a subgraph does besides answering requests: relaying its outbox, sweeps. Started after migrations. */
export interface BackgroundJob {
  start(): void;
  /** Lets the run in progress finish, then resolves. */
  stop(): Promise<void>;
}

/**
 * Runs `work` now and then every `intervalMs` until stopped; a failed run is logged and retried next time. Work
 * that resolves to `true` has more waiting and runs again at once.
 */
export class PeriodicJob implements BackgroundJob {
  private readonly pause = new Pause();
  private stopping = false;
  private nudged = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.pause.interrupt();
    await this.loop;
    this.loop = undefined;
  }

  /** Runs the work again soon: at once when waiting, or right after the run in progress (new work may have come). */
  nudge(): void {
    this.nudged = true;
    this.pause.interrupt();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.nudged = false;
      let more = false;
      const stopTimer = jobRunDuration.startTimer({ job: this.name });
      try {
        more = (await this.work()) === true;
        jobRuns.inc({ job: this.name, outcome: 'ok' });
      } catch (error) {
        jobRuns.inc({ job: this.name, outcome: 'failed' });
        this.logger.error({ err: error, job: this.name }, 'background job failed; retrying on its next run');
      }
      stopTimer();
      if (!more && !this.nudged && !this.stopping) await this.pause.for(this.intervalMs);
    }
  }
}

export async function stopAll(jobs: readonly BackgroundJob[]): Promise<void> {
  await Promise.all(jobs.map((job) => job.stop()));
}

/** Claims what starts within [now, until) and was not reminded yet, writes the reminders, and says how many. */
export interface DueReminders {
  claimDueReminders(now: Date, until: Date, limit: number): Promise<number>;
}

const REMINDER_BATCH = 100;

/**
 * How often every replica sweeps for due reminders: REMINDER_SWEEP_INTERVAL_MS, default a minute, 1 s to 1 hour.
 * What is arranged less than the lead time ahead waits up to this long for its reminder, and gets none if it starts
 * first (the claim takes only what has not started), so a longer interval drops short-notice reminders; past 2^31 ms
 * a timer fires at once, a busy loop. check:cluster shortens it so that both replicas' sweeps race for its reminders.
 */
export function reminderSweepIntervalMs(): number {
  const value = process.env.REMINDER_SWEEP_INTERVAL_MS;
  if (!value) return 60_000;
  if (!/^\d+$/.test(value) || Number(value) < 1000 || Number(value) > 3_600_000)
    throw new Error(`REMINDER_SWEEP_INTERVAL_MS must be a whole number of milliseconds from 1000 to 3600000, not "${value}"`);
  return Number(value);
}

/**
 * Sends reminders a lead time (24 hours by default) before things start, from a sweep every minute; what is
 * arranged less than the lead ahead gets its reminder on the next sweep. The claim is atomic, so every replica may
 * run the sweep at once and each reminder still goes out once.
 */
export class ReminderSweep implements BackgroundJob {
  private readonly job: PeriodicJob;

  constructor(
    name: string,
    private readonly source: DueReminders,
    private readonly options: { leadMs?: number; intervalMs?: number; logger?: Logger } = {},
    private readonly now: () => Date = () => new Date(),
  ) {
    // A full batch means more are due: the job goes on at once instead of waiting a minute.
    this.job = new PeriodicJob(
      name,
      options.intervalMs ?? reminderSweepIntervalMs(),
      async () => (await this.sweep()) >= REMINDER_BATCH,
      options.logger ?? createLogger(name),
    );
  }

  /** Sends the reminders now due; resolves to how many. */
  sweep(): Promise<number> {
    const now = this.now();
    return this.source.claimDueReminders(now, new Date(now.getTime() + (this.options.leadMs ?? 24 * 3_600_000)), REMINDER_BATCH);
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }
}
