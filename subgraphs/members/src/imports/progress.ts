/**
 * Writes a running job's progress (and heartbeat) from outside the import's transaction, so that `importJob`
 * sees it while the import runs. The import never waits for it: on PGlite, which has a single connection, the
 * write queues until the import's transaction ends. At most one write is in flight, carrying the latest figure;
 * the timer keeps the heartbeat going through long stretches without progress (reading, planning).
 */
export class ProgressReporter {
  private processed = 0;
  private pending = false;
  private flushing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly write: (processed: number) => Promise<void>,
    heartbeatMs: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => this.report(this.processed), heartbeatMs);
    this.timer.unref();
  }

  report(processed: number): void {
    this.processed = processed;
    this.pending = true;
    this.flushing ??= this.flush();
  }

  /** Stops the heartbeat and waits for the last write. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.pending) {
      this.pending = false;
      await this.write(this.processed).catch(this.onError);
    }
    this.flushing = null;
  }
}
