import type { SubgraphDatabase } from '@tunet/kit';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { deliveries } from '../tables';

/** What asking to count one SMS against its month's quota came to. */
export type Reservation =
  /** Counted now, or before (a retry): send it. */
  | 'admitted'
  /** The month's quota is used up: withhold it. */
  | 'over_quota'
  /** The dispatcher's claim on the delivery ran out meanwhile; another attempt decides. */
  | 'lost';

/** Deliveries that count against a month: counted and not given up (a failed SMS cost nothing). */
const COUNTED = ['queued', 'sent', 'delivered'] as const;

/** The only code that counts an association's text messages against its monthly quota. */
export class SmsQuotaRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Counts the claimed SMS delivery against `month` unless `perMonth` are counted there already. Counting takes the
   * association's quota lock, so two dispatchers cannot both take the last place; a delivery counted before (a
   * retry) keeps its place, in the month it was first counted against.
   */
  reserve(tenant: string, deliveryId: string, attempt: number, month: string, perMonth: number): Promise<Reservation> {
    return this.db.tenant(tenant, async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`notifications.sms-quota:${tenant}`}))`);
      const [claimed] = await tx
        .select({ smsMonth: deliveries.smsMonth })
        .from(deliveries)
        .where(and(eq(deliveries.associationId, tenant), eq(deliveries.id, deliveryId), eq(deliveries.status, 'queued'), eq(deliveries.attempts, attempt)));
      if (!claimed) return 'lost';
      if (claimed.smsMonth !== null) return 'admitted';
      const [counted] = await tx
        .select({ n: count() })
        .from(deliveries)
        .where(and(eq(deliveries.associationId, tenant), eq(deliveries.smsMonth, month), inArray(deliveries.status, [...COUNTED])));
      if ((counted?.n ?? 0) >= perMonth) return 'over_quota';
      await tx
        .update(deliveries)
        .set({ smsMonth: month, updatedAt: sql`now()` })
        .where(and(eq(deliveries.associationId, tenant), eq(deliveries.id, deliveryId)));
      return 'admitted';
    });
  }

  /** Text messages of the association sent (accepted by the provider) in `month`. */
  async sentIn(tenant: string, month: string): Promise<number> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ n: count() })
        .from(deliveries)
        .where(and(eq(deliveries.associationId, tenant), eq(deliveries.smsMonth, month), inArray(deliveries.status, ['sent', 'delivered']))),
    );
    return row?.n ?? 0;
  }
}
