import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { OutgoingDelivery } from '../model';
import { deliveries, deliveryAttempts, notifications } from '../tables';
import type { RecordedOutcome } from './delivery.rules';

/** The only code that claims deliveries for sending and records how the attempts went. */
export class DeliveryRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Claims up to `limit` due deliveries, oldest first, for `leaseMs`: each counts one more attempt and leaves its
   * quiet-hours hold behind. Rows another dispatcher is claiming are skipped (`for update skip locked`), and a
   * claim keeps others off until it is recorded or its lease runs out, so two dispatchers never send a delivery at
   * once. Deliveries held for the digest are the digest's to send. System scope: the dispatcher serves every
   * association, and each delivery carries its own.
   */
  claimDue(limit: number, leaseMs: number): Promise<OutgoingDelivery[]> {
    return this.db.system(async (tx) => {
      const due = tx
        .select({ associationId: deliveries.associationId, id: deliveries.id })
        .from(deliveries)
        .where(
          and(
            eq(deliveries.status, 'queued'),
            sql`${deliveries.heldFor} is distinct from 'digest'`,
            lte(deliveries.nextAttemptAt, sql`now()`),
            or(isNull(deliveries.claimedUntil), lt(deliveries.claimedUntil, sql`now()`)),
          ),
        )
        .orderBy(asc(deliveries.nextAttemptAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      const claimed = await tx
        .update(deliveries)
        .set({
          claimedUntil: sql`now() + make_interval(secs => ${leaseMs / 1000})`,
          attempts: sql`${deliveries.attempts} + 1`,
          heldFor: null,
          updatedAt: sql`now()`,
        })
        .where(sql`(${deliveries.associationId}, ${deliveries.id}) in (${due})`)
        .returning();
      if (claimed.length === 0) return [];
      const content = await tx
        .select()
        .from(notifications)
        .where(inArray(notifications.id, [...new Set(claimed.map((row) => row.notificationId))]));
      const byKey = new Map(content.map((row) => [`${row.associationId}/${row.id}`, row]));
      return claimed
        .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
        .map((row): OutgoingDelivery => {
          // The foreign key holds the notification for as long as the delivery exists.
          const notification = byKey.get(`${row.associationId}/${row.notificationId}`)!;
          return {
            deliveryId: row.id,
            associationId: row.associationId,
            notificationId: row.notificationId,
            memberId: notification.memberId,
            channel: row.channel,
            address: row.address,
            attempt: row.attempts,
            category: notification.category,
            important: notification.important,
            locale: notification.locale,
            title: notification.title,
            body: notification.body,
            link: notification.link,
            subjectType: notification.subjectType,
            subjectId: notification.subjectId,
            createdAt: notification.createdAt,
          };
        });
    });
  }

  /**
   * Records attempt number `attempt` of the delivery and releases its claim, with the attempt's row for the audit
   * trail. False, and nothing written, when the claim was lost meanwhile: its lease ran out and another dispatcher
   * took the delivery up again, whose own outcome will be the one recorded.
   */
  record(tenant: string, deliveryId: string, attempt: number, outcome: RecordedOutcome): Promise<boolean> {
    return this.db.tenant(tenant, (tx) => recordAttempt(tx, tenant, { deliveryId, attempt, outcome }, null));
  }
}

/**
 * Writes one attempt's outcome and releases the claim, in the caller's transaction, with the attempt's row for the
 * audit trail; false, and nothing written, when the claim is no longer this attempt's. `at` is the moment to
 * record (the database's clock when null); the dispatcher and the digest both record through here.
 */
export async function recordAttempt(
  tx: Tx,
  tenant: string,
  { deliveryId, attempt, outcome }: { deliveryId: string; attempt: number; outcome: RecordedOutcome },
  at: Date | null,
): Promise<boolean> {
  const moment = at ?? sql`now()`;
  const sent = outcome.status === 'sent' || outcome.status === 'delivered';
  const retryAt =
    outcome.retryInMs === null ? null : at ? new Date(at.getTime() + outcome.retryInMs) : sql`now() + make_interval(secs => ${outcome.retryInMs / 1000})`;
  const updated = await tx
    .update(deliveries)
    .set({
      status: outcome.status,
      claimedUntil: null,
      updatedAt: moment,
      ...(sent ? { sentAt: moment, providerMessageId: outcome.providerMessageId } : {}),
      ...(outcome.lastError !== undefined ? { lastError: outcome.lastError } : {}),
      ...(retryAt !== null ? { nextAttemptAt: retryAt } : {}),
    })
    .where(and(eq(deliveries.associationId, tenant), eq(deliveries.id, deliveryId), eq(deliveries.status, 'queued'), eq(deliveries.attempts, attempt)))
    .returning({ id: deliveries.id });
  if (updated.length === 0) return false;
  await tx
    .insert(deliveryAttempts)
    .values({ associationId: tenant, deliveryId, attempt, outcome: outcome.attemptOutcome, detail: outcome.detail, ...(at ? { at } : {}) });
  return true;
}
