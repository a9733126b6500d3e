import type { ClosuresRepository } from './closures.repository';

/** How long the route caller (subgraph.ts) waits for a subgraph's answer, its body included, before giving up. */
export const CLOSURE_CALL_TIMEOUT_MS = 30_000;
/**
 * How far ahead each renewal reaches: the call about to be made and the storage or database write after it. Short,
 * so a crashed process holds a closure only that long past its last renewal, however big its archive.
 */
const RENEWAL_MS = 2 * CLOSURE_CALL_TIMEOUT_MS;

/** The run's lease on a closure was taken by another process once it ran out: the run stops and leaves it to that one. */
export class LeaseLost extends Error {
  constructor(readonly associationId: string) {
    super(`the lease on closure ${associationId} was taken by another process`);
  }
}

/**
 * A run's lease on one closure. Before each subgraph call and each write that needs the closure to itself, `keep`
 * renews it, only while it is still this run's, so a run that outlasted its lease (a paused process, a storage write
 * with no timeout) stops at its next step instead of working the closure beside the process that took it.
 */
export class ClosureLease {
  constructor(
    private readonly repository: ClosuresRepository,
    readonly associationId: string,
    /** The value this run last wrote to `leased_until`; the lease is still ours while the row holds it. */
    private until: Date,
    private readonly now: () => Date,
  ) {}

  /** True when the lease lasts `ms` more without renewal. */
  lasts(ms: number): boolean {
    return this.now().getTime() + ms <= this.until.getTime();
  }

  /** Renews the lease to cover the next step (never shortening it); throws LeaseLost when another process holds it. */
  async keep(): Promise<void> {
    const until = new Date(Math.max(this.until.getTime(), this.now().getTime() + RENEWAL_MS));
    if (!(await this.repository.renew(this.associationId, this.until, until))) throw new LeaseLost(this.associationId);
    this.until = until;
  }

  /** Ends the lease if it is still ours; one another process took since is left alone. */
  release(): Promise<void> {
    return this.repository.release(this.associationId, this.until);
  }
}
