import type { SubgraphDatabase } from '@tunet/kit';
import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { RecordedOutcome } from '../dispatch/delivery.rules';
import { recordAttempt } from '../dispatch/delivery.repository';
import type { Category, Locale } from '../model';
import { deliveries, notifications } from '../tables';

/** One held e-mail delivery, with what its notification says. */
export interface DigestEntry {
  deliveryId: string;
  /** This attempt's number (1 on the first). */
  attempt: number;
  address: string | null;
  category: Category;
  locale: Locale;
  title: string;
  body: string;
  link: string | null;
  createdAt: Date;
}

/** Everything held for one person's digest, oldest first. */
export interface ClaimedDigest {
  associationId: string;
  memberId: string;
  entries: DigestEntry[];
}

/** What one attempt at a digest delivery left, as the dispatcher's policy decides it. */
export interface DigestDeliveryResult {
  deliveryId: string;
  attempt: number;
  outcome: RecordedOutcome;
}

/** Reads and writes the deliveries held for people's daily e-mail digest. */
export class DigestRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Claims every due digest delivery of up to `people` persons across associations until `now + leaseMs`, counting
   * the attempt, and returns them by person, oldest first. A person is claimed whole or not at all: when another
   * replica holds any of their due deliveries, they are left to it, so one e-mail carries everything and no item
   * goes out twice. A claim whose sender died runs out with its lease and is taken again. System scope: the digest
   * serves every association.
   */
  claimDue(now: Date, leaseMs: number, people: number): Promise<ClaimedDigest[]> {
    return this.db.system(async (tx) => {
      const due = and(
        eq(deliveries.channel, 'email'),
        eq(deliveries.status, 'queued'),
        eq(deliveries.heldFor, 'digest'),
        lte(deliveries.nextAttemptAt, now),
        or(isNull(deliveries.claimedUntil), lt(deliveries.claimedUntil, now)),
      );
      const ofNotification = and(eq(notifications.associationId, deliveries.associationId), eq(notifications.id, deliveries.notificationId));
      const persons = tx
        .selectDistinct({ associationId: notifications.associationId, memberId: notifications.memberId })
        .from(deliveries)
        .innerJoin(notifications, ofNotification)
        .where(and(due, isNotNull(notifications.memberId)))
        .limit(people);
      const candidates = await tx
        .select({
          associationId: deliveries.associationId,
          memberId: notifications.memberId,
          deliveryId: deliveries.id,
          address: deliveries.address,
          category: notifications.category,
          locale: notifications.locale,
          title: notifications.title,
          body: notifications.body,
          link: notifications.link,
          createdAt: notifications.createdAt,
        })
        .from(deliveries)
        .innerJoin(notifications, ofNotification)
        .where(and(due, sql`(${notifications.associationId}, ${notifications.memberId}) in (${persons})`))
        .orderBy(asc(notifications.createdAt), asc(notifications.id));
      if (candidates.length === 0) return [];
      const locked = await tx
        .select({ id: deliveries.id })
        .from(deliveries)
        .where(
          and(
            due,
            inArray(
              deliveries.id,
              candidates.map((row) => row.deliveryId),
            ),
          ),
        )
        .for('update', { skipLocked: true });
      const ours = new Set(locked.map((row) => row.id));
      const byPerson = new Map<string, typeof candidates>();
      for (const row of candidates) {
        const key = `${row.associationId}:${row.memberId}`;
        byPerson.set(key, [...(byPerson.get(key) ?? []), row]);
      }
      const whole = [...byPerson.values()].filter((rows) => rows.every((row) => ours.has(row.deliveryId)));
      if (whole.length === 0) return [];
      const claimed = await tx
        .update(deliveries)
        .set({ claimedUntil: new Date(now.getTime() + leaseMs), attempts: sql`${deliveries.attempts} + 1`, updatedAt: now })
        .where(
          inArray(
            deliveries.id,
            whole.flat().map((row) => row.deliveryId),
          ),
        )
        .returning({ id: deliveries.id, attempts: deliveries.attempts });
      const attempts = new Map(claimed.map((row) => [row.id, row.attempts]));
      return whole.map((rows) => ({
        associationId: rows[0]!.associationId,
        memberId: rows[0]!.memberId!,
        entries: rows.map((row) => ({
          deliveryId: row.deliveryId,
          attempt: attempts.get(row.deliveryId)!,
          address: row.address,
          category: row.category,
          locale: row.locale,
          title: row.title,
          body: row.body,
          link: row.link,
          createdAt: row.createdAt,
        })),
      }));
    });
  }

  /**
   * Records what became of a digest's deliveries and releases their claims, with each attempt's row for the audit
   * trail, in one transaction; resolves to how many were recorded. A delivery whose claim was lost meanwhile (this
   * sender outlived its lease and another took it up) is left to the newer claim, as the dispatcher does.
   */
  async record(tenant: string, results: readonly DigestDeliveryResult[], now: Date): Promise<number> {
    if (results.length === 0) return 0;
    return this.db.tenant(tenant, async (tx) => {
      let recorded = 0;
      for (const result of results) if (await recordAttempt(tx, tenant, result, now)) recorded += 1;
      return recorded;
    });
  }
}
