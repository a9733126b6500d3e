import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { and, asc, eq, inArray, isNull, min, ne, notExists, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.repository';
import { issueInvoice, type InvoiceRow, type SubscriptionRow } from '../invoices/invoices.repository';
import { invoices, subscriptions, withdrawals } from '../tables';
import type { Ending, NewPeriod, SubscriptionTerms } from './sweeps.rules';

/** What one sweep step did: how many subscriptions changed, and which associations' entitlements changed with them. */
export interface SweepResult {
  changed: number;
  /** Associations whose add-ons stopped or reopened: the caller announces them once the transaction committed. */
  entitlementsChanged: string[];
}

type Change = NewPeriod | Ending;
const SYSTEM = { by: { kind: 'system' as const } };
const BILLED = ['active', 'past_due', 'blocked'] as const;

/**
 * The sweeps' reads and writes, across associations (system scope). Each step claims at most `limit` subscriptions
 * with `for update skip locked` and changes them with updates conditional on what was read, in one transaction with
 * their audit rows and events: sweeps running at once on several replicas each take different rows, and a row one
 * sweep changed no longer matches another's, so every transition happens once.
 */
export class SweepsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** Active subscriptions with an invoice unpaid after its due date (invoices_unpaid_by_due) become past due. */
  markPastDue(today: string, now: Date, limit: number, decide: (s: SubscriptionRow, i: InvoiceRow) => { blocksOn: string } | null): Promise<SweepResult> {
    return this.db.system(async (tx) => {
      let changed = 0;
      for (const { subscription, invoice } of await this.overdue(tx, 'active', sql`${invoices.dueOn} < ${today}::date`, limit)) {
        const verdict = decide(subscription, invoice);
        if (!verdict) continue;
        const after = await this.setStatus(tx, subscription, 'past_due', now);
        if (!after) continue;
        await writeAudit(tx, {
          ...SYSTEM,
          associationId: after.associationId,
          action: 'subscription.past_due',
          subject: `subscription:${after.id}`,
          before: subscription,
          after,
        });
        const payload = { feature: after.feature, subscriptionId: after.id, invoiceId: invoice.id, dueOn: invoice.dueOn, blocksOn: verdict.blocksOn };
        await this.db.outbox.add(tx, { topic: 'feature.past_due', associationId: after.associationId, payload });
        changed++;
      }
      return { changed, entitlementsChanged: [] };
    });
  }

  /** Past-due subscriptions whose oldest unpaid invoice fell due on or before `dueBy` are blocked. */
  block(dueBy: string, now: Date, limit: number, decide: (s: SubscriptionRow, i: InvoiceRow) => boolean): Promise<SweepResult> {
    return this.db.system(async (tx) => {
      const result: SweepResult = { changed: 0, entitlementsChanged: [] };
      for (const { subscription, invoice } of await this.overdue(tx, 'past_due', sql`${invoices.dueOn} <= ${dueBy}::date`, limit)) {
        if (!decide(subscription, invoice)) continue;
        const after = await this.setStatus(tx, subscription, 'blocked', now);
        if (!after) continue;
        await writeAudit(tx, {
          ...SYSTEM,
          associationId: after.associationId,
          action: 'subscription.blocked',
          subject: `subscription:${after.id}`,
          before: subscription,
          after,
        });
        const payload = { feature: after.feature, subscriptionId: after.id, invoiceId: invoice.id };
        await this.db.outbox.add(tx, { topic: 'feature.blocked', associationId: after.associationId, payload });
        result.changed++;
        result.entitlementsChanged.push(after.associationId);
      }
      return result;
    });
  }

  /** Billed subscriptions whose period ended (subscriptions_billed_by_period_end): renewed, or ended when cancelled. */
  renew(today: string, now: Date, limit: number, decide: (terms: SubscriptionTerms, withdrawalEndsOn: string | null) => Change | null): Promise<SweepResult> {
    return this.db.system(async (tx) => {
      const due = await this.claim(tx, and(inArray(subscriptions.status, [...BILLED]), sql`${subscriptions.periodEnd} <= ${today}::date`), limit);
      return this.apply(tx, due, now, 'subscription.renewed', decide);
    });
  }

  /** Trials over by `today` (subscriptions_trials_by_end): the first paid period starts, or the trial ends. */
  endTrials(
    today: string,
    now: Date,
    limit: number,
    decide: (terms: SubscriptionTerms, withdrawalEndsOn: string | null) => Change | null,
  ): Promise<SweepResult> {
    return this.db.system(async (tx) => {
      const due = await this.claim(tx, and(eq(subscriptions.status, 'trial'), sql`${subscriptions.trialEndsOn} <= ${today}::date`), limit);
      return this.apply(tx, due, now, 'subscription.trial_converted', decide);
    });
  }

  /**
   * Open subscriptions of an add-on whose withdrawal has ended stop (subscriptions_open_by_feature); a withdrawal
   * whose subscriptions have all ended is marked completed.
   */
  endWithdrawn(
    today: string,
    now: Date,
    limit: number,
    decide: (terms: SubscriptionTerms, withdrawalEndsOn: string | null) => Change | null,
  ): Promise<SweepResult> {
    return this.db.system(async (tx) => {
      const ended = tx
        .select({ feature: withdrawals.feature })
        .from(withdrawals)
        .where(sql`${withdrawals.endsOn} <= ${today}::date`);
      const due = await this.claim(tx, and(ne(subscriptions.status, 'cancelled'), inArray(subscriptions.feature, ended)), limit);
      const result = await this.apply(tx, due, now, 'subscription.withdrawn', decide);
      const open = tx
        .select({ id: subscriptions.id })
        .from(subscriptions)
        .where(and(eq(subscriptions.feature, withdrawals.feature), ne(subscriptions.status, 'cancelled')));
      await tx
        .update(withdrawals)
        .set({ completedAt: now })
        .where(and(isNull(withdrawals.completedAt), sql`${withdrawals.endsOn} <= ${today}::date`, notExists(open)));
      return result;
    });
  }

  /** Subscriptions in `status` with an unpaid invoice matching `due`, oldest due first; both rows are locked. */
  private async overdue(tx: Tx, status: 'active' | 'past_due', due: ReturnType<typeof sql>, limit: number) {
    const rows = await tx
      .select({ subscription: subscriptions, invoice: invoices })
      .from(subscriptions)
      .innerJoin(invoices, and(eq(invoices.associationId, subscriptions.associationId), eq(invoices.subscriptionId, subscriptions.id)))
      .where(and(eq(subscriptions.status, status), isNull(invoices.paidAt), due))
      .orderBy(asc(invoices.dueOn), asc(invoices.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    const seen = new Set<string>();
    return rows.filter(({ subscription }) => !seen.has(subscription.id) && seen.add(subscription.id));
  }

  private claim(tx: Tx, where: ReturnType<typeof and>, limit: number): Promise<SubscriptionRow[]> {
    return tx
      .select()
      .from(subscriptions)
      .where(where)
      .orderBy(asc(subscriptions.associationId), asc(subscriptions.id))
      .limit(limit)
      .for('update', { skipLocked: true });
  }

  /** Applies what `decide` makes of each claimed subscription: a new period with its invoice, or its end. */
  private async apply(
    tx: Tx,
    claimed: SubscriptionRow[],
    now: Date,
    renewAction: string,
    decide: (terms: SubscriptionTerms, withdrawalEndsOn: string | null) => Change | null,
  ): Promise<SweepResult> {
    const result: SweepResult = { changed: 0, entitlementsChanged: [] };
    if (claimed.length === 0) return result;
    const ends = await this.withdrawalEnds(tx);
    const anchors = await this.anchors(tx, claimed);
    for (const subscription of claimed) {
      const change = decide({ ...subscription, anchorOn: anchors.get(subscription.id) ?? subscription.periodStart }, ends.get(subscription.feature) ?? null);
      if (!change) continue;
      const after = change.kind === 'renew' ? await this.startPeriod(tx, subscription, change, now) : await this.end(tx, subscription, change, now);
      if (!after) continue;
      const action = change.kind === 'renew' ? renewAction : `subscription.ended.${change.reason}`;
      await writeAudit(tx, { ...SYSTEM, associationId: after.associationId, action, subject: `subscription:${after.id}`, before: subscription, after });
      result.changed++;
      if (change.kind === 'end') result.entitlementsChanged.push(after.associationId);
    }
    return result;
  }

  private async startPeriod(tx: Tx, subscription: SubscriptionRow, change: NewPeriod, now: Date): Promise<SubscriptionRow | undefined> {
    const status = subscription.status === 'trial' ? 'active' : subscription.status;
    const [after] = await tx
      .update(subscriptions)
      .set({ status, periodStart: change.period.start, periodEnd: change.period.end, updatedAt: now })
      .where(this.unchanged(subscription))
      .returning();
    if (!after) return undefined;
    await issueInvoice(tx, this.db.outbox, {
      associationId: subscription.associationId,
      subscriptionId: subscription.id,
      feature: subscription.feature,
      period: change.period,
      amountOre: change.amountOre,
      issuedOn: change.issuedOn,
      dueOn: change.dueOn,
    });
    return after;
  }

  private async end(tx: Tx, subscription: SubscriptionRow, change: Ending, now: Date): Promise<SubscriptionRow | undefined> {
    const [after] = await tx
      .update(subscriptions)
      .set({ status: 'cancelled', endedAt: now, endReason: change.reason, autoRenew: false, updatedAt: now })
      .where(this.unchanged(subscription))
      .returning();
    if (!after) return undefined;
    const payload = { feature: subscription.feature, subscriptionId: subscription.id, reason: change.reason };
    await this.db.outbox.add(tx, { topic: 'feature.disabled', associationId: subscription.associationId, payload });
    return after;
  }

  private async setStatus(tx: Tx, subscription: SubscriptionRow, status: SubscriptionRow['status'], now: Date): Promise<SubscriptionRow | undefined> {
    const [after] = await tx.update(subscriptions).set({ status, updatedAt: now }).where(this.unchanged(subscription)).returning();
    return after;
  }

  /** The row as it was read: the claim holds its lock, and this keeps the update honest if it ever did not. */
  private unchanged(subscription: SubscriptionRow) {
    return and(
      eq(subscriptions.associationId, subscription.associationId),
      eq(subscriptions.id, subscription.id),
      eq(subscriptions.status, subscription.status),
      subscription.periodEnd === null ? isNull(subscriptions.periodEnd) : eq(subscriptions.periodEnd, subscription.periodEnd),
    );
  }

  /** Each withdrawn add-on's end date. */
  private async withdrawalEnds(tx: Tx): Promise<Map<string, string>> {
    const rows = await tx.select({ feature: withdrawals.feature, endsOn: withdrawals.endsOn }).from(withdrawals);
    return new Map(rows.map((row) => [row.feature, row.endsOn]));
  }

  /** Each subscription's first billed period start (invoices' unique key), from which its periods are counted. */
  private async anchors(tx: Tx, claimed: SubscriptionRow[]): Promise<Map<string, string>> {
    const rows = await tx
      .select({ id: invoices.subscriptionId, anchor: min(invoices.periodStart) })
      .from(invoices)
      .where(
        inArray(
          invoices.subscriptionId,
          claimed.map((s) => s.id),
        ),
      )
      .groupBy(invoices.subscriptionId);
    return new Map(rows.flatMap((row) => (row.anchor ? [[row.id, row.anchor] as const] : [])));
  }
}
