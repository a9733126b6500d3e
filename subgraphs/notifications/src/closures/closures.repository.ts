import type { SubgraphDatabase } from '@tunet/kit';
import { and, eq, sql } from 'drizzle-orm';
import { closedAssociations, deliveries } from '../tables';

/**
 * The advisory lock one association's closure takes exclusively and every store of its notifications shares
 * (ingest.repository), so that a store under way when the association closes is either finished (and its
 * deliveries withheld by the closure) or sees the closure and stores nothing.
 */
export function closureLock(tenant: string): string {
  return `notifications.closure:${tenant}`;
}

/** What closing an association did. */
export interface Closure {
  /** False when it had been closed before (the event handled again). */
  closed: boolean;
  /** Deliveries still queued that will now never be sent. */
  withheld: number;
}

/** The only code that closes associations whose agreement ended. */
export class ClosuresRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Records that the association's agreement ended and withholds every delivery of its still queued (held for quiet
   * hours, the digest or an SMS included), in one transaction. Inbox rows stay as they are: its people can no longer
   * log in to read them, and what happens to the data is the privacy export's and erasure's to decide.
   */
  close(tenant: string, termination: { terminationId: string; terminatedOn: string }): Promise<Closure> {
    return this.db.tenant(tenant, async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${closureLock(tenant)}))`);
      const inserted = await tx
        .insert(closedAssociations)
        .values({ associationId: tenant, ...termination })
        .onConflictDoNothing()
        .returning({ id: closedAssociations.associationId });
      const withheld = await tx
        .update(deliveries)
        .set({ status: 'withheld', withheldReason: 'association_terminated', heldFor: null, claimedUntil: null, updatedAt: sql`now()` })
        .where(and(eq(deliveries.associationId, tenant), eq(deliveries.status, 'queued')))
        .returning({ id: deliveries.id });
      return { closed: inserted.length > 0, withheld: withheld.length };
    });
  }
}
