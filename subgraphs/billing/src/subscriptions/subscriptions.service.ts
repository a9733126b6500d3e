import {
  announceEntitlementsChanged,
  conflict,
  fail,
  forbidden,
  notFound,
  parseInput,
  refusedRule,
  unauthenticated,
  type FastStore,
  type Tx,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import type { AuditBy } from '../audit/audit.repository';
import { writeAudit } from '../audit/audit.repository';
import type { AssociationProfile, AssociationProfiles } from '../associations/association-profiles';
import type { CatalogueRepository, FeatureRow } from '../catalogue/catalogue.repository';
import { overdueInvoiceIds } from '../invoices/invoices.repository';
import { periodStarting } from '../invoices/invoices.rules';
import { todayInOslo } from '../withdrawals/withdrawals.rules';
import { canManageBilling, isBoardOf, isOperator } from './subscriptions.access';
import { missingLegalDetails, trialEndProblem } from './subscriptions.rules';
import {
  featureForSubscribing,
  insertSubscription,
  lockFeature,
  openSubscriptionForUpdate,
  openSubscriptionsForUpdate,
  updateSubscription,
  type SubscriptionRow,
  type SubscriptionsRepository,
} from './subscriptions.repository';

/** Issues the first invoice of a subscription that starts a paid period, in the transaction that starts it. */
export type IssueFirstInvoice = (tx: Tx, subscription: SubscriptionRow, today: string) => Promise<void>;

const date = z.iso.date();
const target = { associationId: z.guid(), feature: z.string().min(1).max(64) };
const enableInput = z.strictObject({ ...target, trialEndsOn: date.nullish(), paymentTermDays: z.number().int().min(1).max(90).nullish() });
const disableInput = z.strictObject({ ...target, reason: z.string().trim().min(1).max(500) });
const targetInput = z.strictObject(target);

export interface SubscriptionChanged {
  subscription: SubscriptionRow;
  association: { id: string };
}

/**
 * Starting, cancelling and ending add-on subscriptions (docs/decisions/0032). Each change is one tenant transaction
 * with its audit row, its event and (for a paid start) its first invoice; the gateways hear of the new entitlements
 * only after it committed.
 */
export class SubscriptionsService {
  constructor(
    private readonly repository: SubscriptionsRepository,
    private readonly catalogue: CatalogueRepository,
    private readonly profiles: AssociationProfiles,
    private readonly store: FastStore,
    private readonly issueFirstInvoice: IssueFirstInvoice,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The association's subscriptions (with prices): its board and operators. */
  async list(viewer: Viewer | null, associationId: string): Promise<SubscriptionRow[]> {
    if (!viewer) throw unauthenticated();
    if (!canManageBilling(viewer, associationId)) throw forbidden('Only the association’s board may see its subscriptions.');
    return this.repository.list(associationId);
  }

  /** Operator: an add-on as a trial or with its first paid period today. */
  async enableFeature(viewer: Viewer | null, input: unknown): Promise<SubscriptionChanged> {
    const by = operatorOf(viewer);
    const { associationId, feature, trialEndsOn, paymentTermDays } = parseInput(enableInput, input);
    const today = todayInOslo(this.now());
    const problem = trialEndsOn ? trialEndProblem(today, trialEndsOn) : null;
    if (problem) throw fail('BAD_USER_INPUT', problem, { field: 'trialEndsOn' });
    await this.requireSubscribable(associationId, feature);
    return this.start(associationId, feature, by, { trialEndsOn: trialEndsOn ?? null, paymentTermDays: paymentTermDays ?? 14, today });
  }

  /** Board: subscribes at the catalogue price from today; on a cancelled but running subscription, renews it again. */
  async subscribeToFeature(viewer: Viewer | null, input: unknown): Promise<SubscriptionChanged> {
    const { associationId, feature } = parseInput(targetInput, input);
    const by = boardOf(viewer, associationId);
    await this.requireSubscribable(associationId, feature);
    return this.start(associationId, feature, by, { trialEndsOn: null, paymentTermDays: 14, today: todayInOslo(this.now()) });
  }

  /** Board, or an operator recording a cancellation in writing: no renewal; it ends when the paid period (or trial) does. */
  async cancelSubscription(viewer: Viewer | null, input: unknown): Promise<SubscriptionChanged> {
    const { associationId, feature } = parseInput(targetInput, input);
    const by = isOperator(viewer) ? operatorOf(viewer) : boardOf(viewer, associationId);
    const subscription = await this.repository.inTenant(associationId, async (tx) => {
      const open = await openSubscriptionForUpdate(tx, associationId, feature);
      if (!open) throw notFound(`An open ${feature} subscription`);
      if (!open.autoRenew) throw conflict(`The ${feature} subscription is already cancelled; it ends on ${endOf(open)}.`);
      const cancelled = await updateSubscription(tx, associationId, open.id, { autoRenew: false, cancelledAt: this.now(), cancelledBy: accountOf(by) });
      await writeAudit(tx, { associationId, by, action: 'subscription.cancelled', subject: `subscription:${open.id}`, before: open, after: cancelled });
      return cancelled;
    });
    return { subscription, association: { id: associationId } };
  }

  /** Operator: ends the add-on at once; nothing is refunded. */
  async disableFeature(viewer: Viewer | null, input: unknown): Promise<SubscriptionChanged> {
    const by = operatorOf(viewer);
    const { associationId, feature, reason } = parseInput(disableInput, input);
    const subscription = await this.repository.inTenant(associationId, async (tx) => {
      const open = await openSubscriptionForUpdate(tx, associationId, feature);
      if (!open) throw notFound(`An open ${feature} subscription`);
      const ended = await updateSubscription(tx, associationId, open.id, {
        status: 'cancelled',
        autoRenew: false,
        endedAt: this.now(),
        endReason: 'ended_by_operator',
      });
      await writeAudit(tx, { associationId, by, action: 'subscription.ended', subject: `subscription:${open.id}`, before: open, after: { ...ended, reason } });
      await this.repository.outbox(tx, {
        topic: 'feature.disabled',
        associationId,
        payload: { feature, subscriptionId: open.id, reason: 'ended_by_operator' },
      });
      return ended;
    });
    await announceEntitlementsChanged(this.store, associationId);
    return { subscription, association: { id: associationId } };
  }

  /**
   * The association's agreement ended (members' `association.terminated`): every open add-on ends at once, by no
   * one, so nothing renews or is invoiced for an association that no longer exists for the provider; invoices
   * already issued stay as they are. Announced every time, so a redelivery after a failed announcement repeats it.
   */
  async endForTerminatedAssociation(associationId: string, terminationId: string): Promise<number> {
    const ended = await this.repository.inTenant(associationId, async (tx) => {
      const open = await openSubscriptionsForUpdate(tx, associationId);
      for (const subscription of open) {
        const change = { status: 'cancelled', autoRenew: false, endedAt: this.now(), endReason: 'cancelled' } as const;
        const after = await updateSubscription(tx, associationId, subscription.id, change);
        await writeAudit(tx, {
          associationId,
          by: { kind: 'system' },
          action: 'subscription.ended.association_terminated',
          subject: `subscription:${subscription.id}`,
          before: subscription,
          after: { ...after, terminationId },
        });
        await this.repository.outbox(tx, {
          topic: 'feature.disabled',
          associationId,
          payload: { feature: subscription.feature, subscriptionId: subscription.id, reason: 'cancelled' },
        });
      }
      return open.length;
    });
    await announceEntitlementsChanged(this.store, associationId);
    return ended;
  }

  /** The catalogue knows the feature as an add-on, and the association exists, is open and has its legal details. */
  private async requireSubscribable(associationId: string, feature: string): Promise<FeatureRow> {
    const row = (await this.catalogue.listFeatures()).find((candidate) => candidate.key === feature);
    if (!row) throw fail('BAD_USER_INPUT', `feature: no add-on is called ${feature}.`, { field: 'feature' });
    if (row.kind === 'base') throw fail('BAD_USER_INPUT', 'feature: the base plan is always on; it cannot be subscribed to.', { field: 'feature' });
    const profile = await this.profiles.profile(associationId);
    if (!profile) throw notFound('The association');
    requireOpen(profile);
    const missing = row.priceOre > 0 ? missingLegalDetails(profile) : [];
    if (missing.length > 0) {
      throw fail('CONFLICT', `A paid add-on needs the association's legal details; missing: ${missing.join(', ')}.`, { missing });
    }
    return row;
  }

  private async start(
    associationId: string,
    feature: string,
    by: AuditBy,
    terms: { trialEndsOn: string | null; paymentTermDays: number; today: string },
  ): Promise<SubscriptionChanged> {
    const { subscription, entitlementsChanged } = await this.repository
      .inTenant(associationId, async (tx) => {
        await lockFeature(tx, feature, 'shared');
        const row = await featureForSubscribing(tx, feature);
        if (!row) throw fail('BAD_USER_INPUT', `feature: no add-on is called ${feature}.`, { field: 'feature' });
        if (row.withdrawnOn) throw conflict(`${row.nameEn} is being withdrawn on ${row.withdrawnOn}; it takes no new subscriptions.`);
        const open = await openSubscriptionForUpdate(tx, associationId, feature);
        if (open) return { subscription: await this.resume(tx, open, by), entitlementsChanged: false };
        // A board in arrears buys nothing more on credit: otherwise cancelling an unpaid (even blocked) add-on and
        // subscribing again once it ended would give a new period of use each time. An operator still may.
        const overdue = by.kind === 'board' ? await overdueInvoiceIds(tx, associationId, terms.today) : [];
        if (overdue.length > 0) {
          throw fail('CONFLICT', 'The association has invoices past their due date; it can subscribe to add-ons again once they are paid.', {
            overdueInvoices: overdue,
          });
        }
        const period = terms.trialEndsOn ? null : periodStarting(terms.today, row.period);
        const subscription = await insertSubscription(tx, {
          associationId,
          id: crypto.randomUUID(),
          feature,
          status: terms.trialEndsOn ? 'trial' : 'active',
          trialEndsOn: terms.trialEndsOn,
          periodStart: period?.start ?? null,
          periodEnd: period?.end ?? null,
          priceOre: row.priceOre,
          period: row.period,
          paymentTermDays: terms.paymentTermDays,
          createdBy: accountOf(by)!,
        });
        await writeAudit(tx, {
          associationId,
          by,
          action: 'subscription.started',
          subject: `subscription:${subscription.id}`,
          before: null,
          after: subscription,
        });
        await this.repository.outbox(tx, {
          topic: 'feature.enabled',
          associationId,
          payload: { feature, subscriptionId: subscription.id, status: terms.trialEndsOn ? 'trial' : 'active', trialEndsOn: terms.trialEndsOn },
        });
        // The one place a paid period starts here: its first invoice commits with it (H5's invoices, decision 0032).
        if (subscription.status === 'active') await this.issueFirstInvoice(tx, subscription, terms.today);
        return { subscription, entitlementsChanged: true };
      })
      .catch((error: unknown) => {
        if (refusedRule(error) === 'already-open') throw conflict(`The association already has an open ${feature} subscription.`);
        throw error;
      });
    if (entitlementsChanged) await announceEntitlementsChanged(this.store, associationId);
    return { subscription, association: { id: associationId } };
  }

  /** An open subscription the board cancelled renews again; any other open one is already there. */
  private async resume(tx: Tx, open: SubscriptionRow, by: AuditBy): Promise<SubscriptionRow> {
    if (open.autoRenew || open.status === 'blocked') {
      throw conflict(`The association already has a ${open.feature} subscription (${open.status.replace('_', ' ')}).`);
    }
    const resumed = await updateSubscription(tx, open.associationId, open.id, { autoRenew: true, cancelledAt: null, cancelledBy: null });
    await writeAudit(tx, {
      associationId: open.associationId,
      by,
      action: 'subscription.resumed',
      subject: `subscription:${open.id}`,
      before: open,
      after: resumed,
    });
    return resumed;
  }
}

function operatorOf(viewer: Viewer | null): AuditBy {
  if (!viewer) throw unauthenticated();
  if (!isOperator(viewer)) throw forbidden('Only the provider’s operators may do this.');
  return { kind: 'operator', accountId: viewer.accountId };
}

function boardOf(viewer: Viewer | null, associationId: string): AuditBy {
  if (!viewer) throw unauthenticated();
  if (!isBoardOf(viewer, associationId) || !viewer.memberId) throw forbidden('Only the association’s board may do this.');
  return { kind: 'board', accountId: viewer.accountId, memberId: viewer.memberId };
}

const accountOf = (by: AuditBy) => (by.kind === 'system' ? null : by.accountId);

/** The day a cancelled subscription stops: the end of its trial or of its paid period. */
const endOf = (subscription: SubscriptionRow) => (subscription.status === 'trial' ? subscription.trialEndsOn : subscription.periodEnd);

function requireOpen(profile: AssociationProfile): void {
  if (profile.status !== 'active') throw conflict(`The association is ${profile.status}; it cannot subscribe to add-ons.`);
}
