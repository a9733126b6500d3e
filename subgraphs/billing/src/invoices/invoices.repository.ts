import { randomUUID } from 'node:crypto';
import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { and, asc, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.repository';
import { invoices, subscriptions, type InvoiceStatus } from '../tables';
import type { Period } from './invoices.rules';

export type InvoiceRow = typeof invoices.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;
type Outbox = SubgraphDatabase['outbox'];

export interface NewInvoice {
  associationId: string;
  subscriptionId: string;
  feature: string;
  period: Period;
  amountOre: number;
  issuedOn: string;
  dueOn: string;
}

/**
 * Issues the invoice for one period of a subscription and announces `invoice.issued`, in the caller's transaction:
 * a subscription that starts (H4's subscribe) and a renewal (the sweeps) bill with the same row and event. A second
 * invoice for the same period breaks invoices' unique key and rolls the caller back.
 */
export async function issueInvoice(tx: Tx, outbox: Outbox, invoice: NewInvoice): Promise<InvoiceRow> {
  const row = await insertInvoice(tx, invoice);
  const { associationId, feature, period, amountOre, issuedOn, dueOn } = invoice;
  await outbox.add(tx, {
    topic: 'invoice.issued',
    associationId,
    payload: { invoiceId: row.id, feature, amountOre, issuedOn, dueOn, periodStart: period.start, periodEnd: period.end },
  });
  return row;
}

/** The invoice row alone, paid already when `paid` says so: for the demo's history, which announces nothing. */
export async function insertInvoice(tx: Tx, invoice: NewInvoice, paid?: { paidOn: string; paidAt: Date; paidBy: string }): Promise<InvoiceRow> {
  const { associationId, subscriptionId, feature, period, amountOre, issuedOn, dueOn } = invoice;
  const [row] = await tx
    .insert(invoices)
    .values({ associationId, id: randomUUID(), subscriptionId, feature, periodStart: period.start, periodEnd: period.end, amountOre, issuedOn, dueOn, ...paid })
    .returning();
  return row!;
}

/**
 * Ids of the association's invoices still unpaid after their due date on `today`, oldest first (at most 20), read in
 * the caller's transaction: a board's new subscription waits until they are paid.
 */
export async function overdueInvoiceIds(tx: Tx, associationId: string, today: string): Promise<string[]> {
  const rows = await tx
    .select({ id: invoices.id })
    .from(invoices)
    .where(and(eq(invoices.associationId, associationId), isNull(invoices.paidAt), sql`${invoices.dueOn} < ${today}::date`))
    .orderBy(asc(invoices.dueOn), asc(invoices.id))
    .limit(20);
  return rows.map((row) => row.id);
}

export type InvoiceListPosition = { issuedOn: string; id: string };

/** What recording a payment did: the invoice as paid, and whether it reopened its subscription. */
export type Payment = { invoice: InvoiceRow; reopened: SubscriptionRow | null } | 'not-found' | 'already-paid' | { refused: string };

export interface PaymentRecord {
  invoiceId: string;
  paidOn: string;
  paidAt: Date;
  paidBy: string;
  note: string | null;
  /** Refuses a payment date that cannot be (before the invoice, in the future), with the reason. */
  refusal: (invoice: InvoiceRow) => string | null;
  /** What the subscription becomes, given its other unpaid invoices: active, past due, or as it is (null). */
  reopensAs: (subscription: SubscriptionRow, otherUnpaid: InvoiceRow[]) => 'active' | 'past_due' | null;
  /** The day a still unpaid invoice due on `dueOn` blocks its add-on, told to the board when it reopens past due. */
  blocksOn: (dueOn: string) => string;
}

/** The only code that reads or writes invoices. */
export class InvoicesRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** Newest first, `limit` rows after `after` (invoices_newest_first); `today` decides what is overdue. */
  list(tenant: string, filter: InvoiceStatus | null, today: string, limit: number, after: InvoiceListPosition | null): Promise<InvoiceRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(invoices)
        .where(
          and(
            eq(invoices.associationId, tenant),
            filter === 'paid' ? sql`${invoices.paidAt} is not null` : undefined,
            filter === 'unpaid' ? and(isNull(invoices.paidAt), sql`${invoices.dueOn} >= ${today}::date`) : undefined,
            filter === 'overdue' ? and(isNull(invoices.paidAt), sql`${invoices.dueOn} < ${today}::date`) : undefined,
            after ? sql`(${invoices.issuedOn}, ${invoices.id}) < (${after.issuedOn}::date, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(desc(invoices.issuedOn), desc(invoices.id))
        .limit(limit),
    );
  }

  /**
   * Records a payment. Platform-wide (the operator's, before any tenant is known), so the invoice is found by its id
   * alone; the invoice and its subscription are locked, so a payment racing a sweep or another payment sees the
   * other's result: a second payment is 'already-paid', and the block sweep cannot block what was just reopened.
   * When the subscription reopens, it does so in this transaction with `feature.enabled` and its audit row.
   */
  recordPayment(record: PaymentRecord): Promise<Payment> {
    return this.db.system(async (tx) => {
      const [invoice] = await tx.select().from(invoices).where(eq(invoices.id, record.invoiceId)).for('update');
      if (!invoice) return 'not-found';
      if (invoice.paidAt !== null) return 'already-paid';
      const refusal = record.refusal(invoice);
      if (refusal) return { refused: refusal };
      const { associationId } = invoice;
      const [subscription] = await tx
        .select()
        .from(subscriptions)
        .where(and(eq(subscriptions.associationId, associationId), eq(subscriptions.id, invoice.subscriptionId)))
        .for('update');
      const [paid] = await tx
        .update(invoices)
        .set({ paidOn: record.paidOn, paidAt: record.paidAt, paidBy: record.paidBy, markedPaidNote: record.note })
        .where(and(eq(invoices.associationId, associationId), eq(invoices.id, invoice.id), isNull(invoices.paidAt)))
        .returning();
      const actor = { associationId, by: { kind: 'operator' as const, accountId: record.paidBy } };
      await writeAudit(tx, { ...actor, action: 'invoice.paid', subject: `invoice:${invoice.id}`, before: invoice, after: paid! });
      const payload = { invoiceId: invoice.id, feature: invoice.feature, amountOre: invoice.amountOre, paidAt: record.paidAt.toISOString() };
      await this.db.outbox.add(tx, { topic: 'invoice.paid', associationId, payload });
      const otherUnpaid = await tx
        .select()
        .from(invoices)
        .where(
          and(
            eq(invoices.associationId, associationId),
            eq(invoices.subscriptionId, invoice.subscriptionId),
            isNull(invoices.paidAt),
            ne(invoices.id, invoice.id),
          ),
        )
        .orderBy(asc(invoices.dueOn));
      const status = subscription ? record.reopensAs(subscription, otherUnpaid) : null;
      if (!subscription || !status) return { invoice: paid!, reopened: null };
      const reopened = await setStatus(tx, subscription, status);
      await writeAudit(tx, { ...actor, action: 'subscription.reopened', subject: `subscription:${subscription.id}`, before: subscription, after: reopened });
      const { feature, id: subscriptionId } = subscription;
      // Reopened past due: the board learns which invoice is still overdue (the oldest, as they are ordered by due
      // date) and when it would block the add-on again.
      const overdue = otherUnpaid[0];
      await this.db.outbox.add(
        tx,
        status === 'active' || !overdue
          ? { topic: 'feature.enabled', associationId, payload: { feature, subscriptionId, status: 'active', trialEndsOn: null } }
          : {
              topic: 'feature.past_due',
              associationId,
              payload: { feature, subscriptionId, invoiceId: overdue.id, dueOn: overdue.dueOn, blocksOn: record.blocksOn(overdue.dueOn) },
            },
      );
      return { invoice: paid!, reopened };
    });
  }
}

/** Moves a locked subscription to `status`; the caller holds the row, so the update cannot miss. */
export async function setStatus(tx: Tx, subscription: SubscriptionRow, status: SubscriptionRow['status']): Promise<SubscriptionRow> {
  const [row] = await tx
    .update(subscriptions)
    .set({ status, updatedAt: sql`now()` })
    .where(
      and(eq(subscriptions.associationId, subscription.associationId), eq(subscriptions.id, subscription.id), eq(subscriptions.status, subscription.status)),
    )
    .returning();
  return row!;
}
