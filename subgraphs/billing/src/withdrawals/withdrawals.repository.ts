import { and, eq, ne } from 'drizzle-orm';
import type { NewEvent, SubgraphDatabase, Tx } from '@tunet/kit';
import { subscriptions, withdrawals } from '../tables';

export type WithdrawalRow = typeof withdrawals.$inferSelect;

/**
 * The only SQL on withdrawals. An announcement is platform-wide: it runs in system scope, the one place billing
 * reads every association's subscriptions of a feature (to tell each board once).
 */
export class WithdrawalsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  inSystem<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.system(work);
  }

  async outbox(tx: Tx, event: NewEvent): Promise<void> {
    await this.db.outbox.add(tx, event);
  }
}

export async function findWithdrawal(tx: Tx, feature: string): Promise<WithdrawalRow | null> {
  const [row] = await tx.select().from(withdrawals).where(eq(withdrawals.feature, feature));
  return row ?? null;
}

export async function insertWithdrawal(tx: Tx, row: { id: string; feature: string; endsOn: string; announcedBy: string }): Promise<WithdrawalRow> {
  const [inserted] = await tx.insert(withdrawals).values(row).returning();
  return inserted!;
}

/** Each association with an open subscription of the feature, with that subscription (at most one each). */
export function openSubscriptionsOfFeature(tx: Tx, feature: string): Promise<{ associationId: string; id: string; status: string }[]> {
  return tx
    .select({ associationId: subscriptions.associationId, id: subscriptions.id, status: subscriptions.status })
    .from(subscriptions)
    .where(and(eq(subscriptions.feature, feature), ne(subscriptions.status, 'cancelled')));
}
