import { randomUUID } from 'node:crypto';
import { conflict, fail, forbidden, parseInput, unauthenticated, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import { writeAudit } from '../audit/audit.repository';
import type { CatalogueRepository } from '../catalogue/catalogue.repository';
import { lockFeature } from '../subscriptions/subscriptions.repository';
import { isOperator } from '../subscriptions/subscriptions.access';
import { earliestWithdrawalEnd, givesEnoughNotice, todayInOslo } from './withdrawals.rules';
import { findWithdrawal, insertWithdrawal, openSubscriptionsOfFeature, type WithdrawalRow, type WithdrawalsRepository } from './withdrawals.repository';

const announceInput = z.strictObject({ feature: z.string().min(1).max(64), endsOn: z.iso.date() });

export interface AnnouncedWithdrawal extends WithdrawalRow {
  notifiedAssociations: number;
}

/**
 * The provider withdrawing an add-on (terms §2.1: three months' notice). The announcement tells every association
 * with an open subscription once (`feature.withdrawal_announced`, one event each, which notifications turns into one
 * message per board); the subscriptions end on `endsOn` through the sweeps (decision 0032).
 */
export class WithdrawalsService {
  constructor(
    private readonly repository: WithdrawalsRepository,
    private readonly catalogue: CatalogueRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async announce(viewer: Viewer | null, input: unknown): Promise<AnnouncedWithdrawal> {
    if (!viewer) throw unauthenticated();
    if (!isOperator(viewer)) throw forbidden('Only the provider’s operators may withdraw an add-on.');
    const { feature, endsOn } = parseInput(announceInput, input);
    const row = (await this.catalogue.listFeatures()).find((candidate) => candidate.key === feature);
    if (!row || row.kind === 'base') throw fail('BAD_USER_INPUT', `feature: no add-on is called ${feature}.`, { field: 'feature' });
    const announcedAt = this.now();
    const today = todayInOslo(announcedAt);
    if (!givesEnoughNotice(today, endsOn)) {
      const earliest = earliestWithdrawalEnd(today);
      throw fail('BAD_USER_INPUT', `endsOn: an add-on can be withdrawn only with three months' notice; the earliest end is ${earliest}.`, {
        field: 'endsOn',
        earliest,
      });
    }
    return this.repository.inSystem(async (tx) => {
      await lockFeature(tx, feature, 'exclusive');
      const existing = await findWithdrawal(tx, feature);
      if (existing) throw conflict(`${row.nameEn} is already being withdrawn, on ${existing.endsOn}.`);
      const withdrawal = await insertWithdrawal(tx, { id: randomUUID(), feature, endsOn, announcedBy: viewer.accountId });
      const affected = await openSubscriptionsOfFeature(tx, feature);
      for (const subscription of affected) {
        const associationId = subscription.associationId;
        await this.repository.outbox(tx, {
          topic: 'feature.withdrawal_announced',
          associationId,
          payload: { feature, withdrawalId: withdrawal.id, endsOn, announcedAt: withdrawal.announcedAt.toISOString() },
        });
        await writeAudit(tx, {
          associationId,
          by: { kind: 'operator', accountId: viewer.accountId },
          action: 'feature.withdrawal_announced',
          subject: `subscription:${subscription.id}`,
          before: null,
          after: { withdrawalId: withdrawal.id, feature, endsOn },
        });
      }
      return { ...withdrawal, notifiedAssociations: affected.length };
    });
  }
}
