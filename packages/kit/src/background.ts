import type { Logger } from './logger';
import { Pause } from './events/pause';

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

  private async run(): Promise<void> {
    while (!this.stopping) {
      let more = false;
      try {
        more = (await this.work()) === true;
      } catch (error) {
        this.logger.error({ err: error, job: this.name }, 'background job failed; retrying on its next run');
      }
      if (!more && !this.stopping) await this.pause.for(this.intervalMs);
    }
  }
}

export async function stopAll(jobs: readonly BackgroundJob[]): Promise<void> {
  await Promise.all(jobs.map((job) => job.stop()));
}
