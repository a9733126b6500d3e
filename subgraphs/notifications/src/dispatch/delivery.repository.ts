import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { OutgoingDelivery, WithheldReason } from '../model';
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
            // The digest's e-mails are the digest's to send; an SMS's fallback waits for the SMS.
            sql`coalesce(${deliveries.heldFor}, '') not in ('digest', 'sms_fallback')`,
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

  /**
   * Gives a claimed delivery back unsent, its attempt uncounted, to be claimed again at once (by any dispatcher).
   * Nothing happens when the claim was lost meanwhile.
   */
  async release(tenant: string, delivery: Pick<OutgoingDelivery, 'deliveryId' | 'attempt'>): Promise<void> {
    await this.db.tenant(tenant, (tx) =>
      tx
        .update(deliveries)
        .set({ claimedUntil: null, attempts: sql`${deliveries.attempts} - 1`, updatedAt: sql`now()` })
        .where(stillClaimedBy(tenant, delivery.deliveryId, delivery.attempt)),
    );
  }

  /**
   * Records an SMS attempt like `record`, and settles the e-mail that waits for it: dropped once the SMS is sent
   * (it was never needed), released to go at once when the SMS failed for good.
   */
  recordSms(tenant: string, delivery: Pick<OutgoingDelivery, 'deliveryId' | 'attempt' | 'notificationId'>, outcome: RecordedOutcome): Promise<boolean> {
    return this.db.tenant(tenant, async (tx) => {
      if (!(await recordAttempt(tx, tenant, { deliveryId: delivery.deliveryId, attempt: delivery.attempt, outcome }, null))) return false;
      if (outcome.status === 'sent' || outcome.status === 'delivered') {
        await tx.delete(deliveries).where(waitingFallback(tenant, delivery.notificationId));
      } else if (outcome.status !== 'queued') {
        await releaseFallback(tx, tenant, delivery.notificationId);
      }
      return true;
    });
  }

  /**
   * Withholds a claimed delivery for good, with the reason, and releases the e-mail waiting for it (an SMS's
   * fallback), so the message goes by the next channel the person allows; resolves to whether one was released.
   * Null, and nothing written, when the claim was lost meanwhile.
   */
  withhold(
    tenant: string,
    delivery: Pick<OutgoingDelivery, 'deliveryId' | 'attempt' | 'notificationId'>,
    reason: WithheldReason,
  ): Promise<{ fallbackReleased: boolean } | null> {
    return this.db.tenant(tenant, async (tx) => {
      const updated = await tx
        .update(deliveries)
        .set({ status: 'withheld', withheldReason: reason, heldFor: null, claimedUntil: null, updatedAt: sql`now()` })
        .where(stillClaimedBy(tenant, delivery.deliveryId, delivery.attempt))
        .returning({ id: deliveries.id });
      if (updated.length === 0) return null;
      return { fallbackReleased: (await releaseFallback(tx, tenant, delivery.notificationId)) > 0 };
    });
  }
}

/** The delivery while it is still queued under this attempt's claim: a claim taken since by another replica (the count of attempts moved on) matches nothing. */
function stillClaimedBy(tenant: string, deliveryId: string, attempt: number) {
  return and(eq(deliveries.associationId, tenant), eq(deliveries.id, deliveryId), eq(deliveries.status, 'queued'), eq(deliveries.attempts, attempt));
}

/** The notification's e-mail that waits for its SMS. */
function waitingFallback(tenant: string, notificationId: string) {
  return and(
    eq(deliveries.associationId, tenant),
    eq(deliveries.notificationId, notificationId),
    eq(deliveries.status, 'queued'),
    eq(deliveries.heldFor, 'sms_fallback'),
  );
}

/** Lets the e-mail that waited for the notification's SMS go now; resolves to how many were released (0 or 1). */
async function releaseFallback(tx: Tx, tenant: string, notificationId: string): Promise<number> {
  const released = await tx
    .update(deliveries)
    .set({ heldFor: null, nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
    .where(waitingFallback(tenant, notificationId))
    .returning({ id: deliveries.id });
  return released.length;
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
    .where(stillClaimedBy(tenant, deliveryId, attempt))
    .returning({ id: deliveries.id });
  if (updated.length === 0) return false;
  await tx
    .insert(deliveryAttempts)
    .values({ associationId: tenant, deliveryId, attempt, outcome: outcome.attemptOutcome, detail: outcome.detail, ...(at ? { at } : {}) });
  return true;
}
