import { randomUUID } from 'node:crypto';
import {
  badUserInput,
  conflict,
  fail,
  forbidden,
  isPlatformOperator,
  notFound,
  parseInput,
  unauthenticated,
  type RevocationWriter,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import { breachEnd, dayIn, earliestProviderEnd, endDateRefusal, remedyBy, remedyHasPassed } from './agreement.rules';
import { requireAgreementReader, requireOperator, requireParty, withdrawalRefusal } from './agreements.access';
import type { AssociationRow } from '../members/members.repository';
import type { AgreementState, AgreementChanges, AgreementsRepository, BreachNoticeRow, TerminationRow } from './agreements.repository';

const terminateInput = z.object({
  associationId: z.guid(),
  effectiveOn: z.iso.date(),
  reason: z.string().trim().min(1).max(2000).nullish(),
});
const withdrawInput = z.object({ terminationId: z.guid() });
const noticeInput = z.object({ associationId: z.guid(), description: z.string().trim().min(1).max(4000) });
const blockInput = z.object({
  associationId: z.guid(),
  ground: z.enum(['ILLEGAL_USE', 'INVALID_LEGAL_DETAILS', 'UNREMEDIED_BREACH']).transform((g) => g.toLowerCase() as Lowercase<typeof g>),
  reason: z.string().trim().min(1).max(2000),
  breachNoticeId: z.guid().nullish(),
});
const unblockInput = z.object({ associationId: z.guid() });

/** Terminations completed per sweep transaction; a full batch runs the sweep again at once. */
export const SWEEP_BATCH = 100;

/**
 * Ending the agreement between an association and the provider (terms of service §3, §8, §9; decision 0034). Every
 * change runs in one transaction with the association's row locked; closing access is announced to the gateways
 * inside it, so a failed announcement leaves nothing changed. Days are the association's, from the injected clock.
 */
export class AgreementsService {
  constructor(
    private readonly repository: AgreementsRepository,
    private readonly revocations: RevocationWriter,
    private readonly now: () => Date = () => new Date(),
    /** Called after a termination is filed, so one from today closes without waiting for the sweep's minute. */
    private readonly filed: () => void = () => {},
  ) {}

  async agreement(viewer: Viewer | null, associationId: string): Promise<AgreementState> {
    requireAgreementReader(viewer, associationId);
    const agreement = await this.repository.agreement(associationId);
    if (!agreement) throw notFound('Association');
    return agreement;
  }

  earliestProviderEnd(timeZone: string): string {
    return earliestProviderEnd(dayIn(timeZone, this.now()));
  }

  async terminate(viewer: Viewer | null, raw: unknown): Promise<TerminationRow> {
    const input = parseInput(terminateInput, raw);
    const party = requireParty(viewer, input.associationId);
    const now = this.now();
    const termination = await this.repository.change(input.associationId, async ({ association, openTermination }, changes) => {
      if (association.status === 'terminated') throw conflict('The agreement has already ended.');
      if (openTermination) throw conflict(`The agreement already ends on ${openTermination.effectiveOn}; withdraw that termination first.`);
      const today = dayIn(association.timeZone, now);
      const refusal = endDateRefusal(party, input.effectiveOn, today);
      if (refusal) throw fail('BAD_USER_INPUT', refusal, { field: 'effectiveOn', earliest: party === 'provider' ? earliestProviderEnd(today) : today });
      const filed = await changes.fileTermination({
        id: randomUUID(),
        initiatedBy: party,
        requestedBy: viewer!.accountId,
        requestedAt: now,
        effectiveOn: input.effectiveOn,
        reason: input.reason ?? null,
      });
      await changes.announce({
        topic: 'association.termination_filed',
        payload: { terminationId: filed.id, initiatedBy: party, effectiveOn: filed.effectiveOn, reason: filed.reason, timeZone: association.timeZone },
      });
      return filed;
    });
    if (!termination) throw notFound('Association');
    this.filed();
    return termination;
  }

  async withdraw(viewer: Viewer | null, raw: unknown): Promise<TerminationRow> {
    const { terminationId } = parseInput(withdrawInput, raw);
    if (!viewer) throw unauthenticated();
    // An operator names a termination of any association; anyone else finds only their own association's.
    const associationId = isPlatformOperator(viewer)
      ? await this.repository.associationOfTerminationAnywhere(terminationId)
      : viewer.associationId && (await this.repository.associationOfTermination(viewer.associationId, terminationId));
    if (!associationId) throw notFound('Termination');
    const party = requireParty(viewer, associationId);
    const now = this.now();
    const withdrawn = await this.repository.change(associationId, async ({ association, openTermination }, changes) => {
      if (openTermination?.id !== terminationId) throw conflict('This termination has already taken effect or been withdrawn.');
      const refusal = withdrawalRefusal(party, openTermination.initiatedBy);
      if (refusal) throw forbidden(refusal);
      if (openTermination.effectiveOn <= dayIn(association.timeZone, now)) throw conflict('This termination has taken effect: the agreement has ended.');
      const row = await changes.withdrawTermination(terminationId, now);
      await changes.announce({
        topic: 'association.termination_withdrawn',
        payload: { terminationId, initiatedBy: party, effectiveOn: row.effectiveOn, timeZone: association.timeZone },
      });
      return row;
    });
    return withdrawn!;
  }

  async noticeBreach(viewer: Viewer | null, raw: unknown): Promise<BreachNoticeRow> {
    const operator = requireOperator(viewer);
    const input = parseInput(noticeInput, raw);
    const now = this.now();
    const notice = await this.repository.change(input.associationId, async ({ association }, changes) => {
      if (association.status === 'terminated') throw conflict('The agreement has already ended.');
      const row = await changes.addBreachNotice({
        id: randomUUID(),
        description: input.description,
        noticedBy: operator.accountId,
        noticedAt: now,
        remedyBy: remedyBy(dayIn(association.timeZone, now)),
      });
      await changes.announce({
        topic: 'association.breach_noticed',
        payload: { breachNoticeId: row.id, description: row.description, remedyBy: row.remedyBy, timeZone: association.timeZone },
      });
      return row;
    });
    if (!notice) throw notFound('Association');
    return notice;
  }

  /** Blocks at once and ends the agreement 7 days later, or on the open termination's day if that comes sooner. */
  async block(viewer: Viewer | null, raw: unknown): Promise<AssociationRow> {
    const operator = requireOperator(viewer);
    const input = parseInput(blockInput, raw);
    const forBreach = input.ground === 'unremedied_breach';
    if (forBreach && !input.breachNoticeId) throw badUserInput('breachNoticeId', 'Blocking for an unremedied breach needs the breach notice given.');
    if (!forBreach && input.breachNoticeId) throw badUserInput('breachNoticeId', 'A breach notice grounds only UNREMEDIED_BREACH.');
    const now = this.now();
    const blocked = await this.repository.change(input.associationId, async ({ association, openTermination }, changes) => {
      if (association.status === 'terminated') throw conflict('The agreement has already ended.');
      if (association.status === 'blocked') throw conflict('The association is already blocked.');
      const today = dayIn(association.timeZone, now);
      if (forBreach) await requireUnremedied(changes, input.breachNoticeId!, today);
      await changes.block(input.ground, input.reason, now);
      await changes.endSessions(now);
      const termination = await this.endAfterBreach(changes, openTermination, { today, now, accountId: operator.accountId, reason: input.reason });
      await changes.announce({
        topic: 'association.blocked',
        payload: {
          ground: input.ground,
          reason: input.reason,
          blockedAt: now.toISOString(),
          terminationId: termination.id,
          effectiveOn: termination.effectiveOn,
          timeZone: association.timeZone,
        },
      });
      return changes.association();
    });
    if (!blocked) throw notFound('Association');
    // After the commit, so gateways never refuse an association whose blocking rolled back (decision 0059).
    await this.revocations.closeAssociation(blocked.id, 'blocked');
    return blocked;
  }

  async unblock(viewer: Viewer | null, raw: unknown): Promise<AssociationRow> {
    requireOperator(viewer);
    const { associationId } = parseInput(unblockInput, raw);
    const now = this.now();
    const reopened = await this.repository.change(associationId, async ({ association, openTermination }, changes) => {
      if (association.status !== 'blocked') throw conflict('The association is not blocked.');
      await changes.unblock(now);
      if (openTermination?.initiatedBy === 'breach') await changes.withdrawTermination(openTermination.id, now);
      await changes.announce({ topic: 'association.unblocked', payload: { unblockedAt: now.toISOString() } });
      return changes.association();
    });
    if (!reopened) throw notFound('Association');
    await this.revocations.reopenAssociation(reopened.id);
    return reopened;
  }

  /**
   * The sweep's work: completes every termination whose day has come in its association's zone, once each across
   * replicas. Sessions end, gateways hear that the association closed, and `association.terminated` is written.
   */
  completeDueTerminations(): Promise<number> {
    const now = this.now();
    return this.repository.completeDueTerminations(now, SWEEP_BATCH, async (due, changes) => {
      await changes.endSessions(now);
      await changes.announce({
        topic: 'association.terminated',
        payload: { terminationId: due.id, terminatedOn: due.effectiveOn, initiatedBy: due.initiatedBy, timeZone: due.timeZone },
      });
      await this.revocations.closeAssociation(due.associationId, 'terminated');
    });
  }

  /** §8: the agreement ends 7 days after a block; an end already filed for a later day gives way to it. */
  private async endAfterBreach(
    changes: AgreementChanges,
    open: TerminationRow | null,
    at: { today: string; now: Date; accountId: string; reason: string },
  ): Promise<TerminationRow> {
    const end = breachEnd(at.today);
    if (open && open.effectiveOn <= end) return open;
    if (open) await changes.withdrawTermination(open.id, at.now);
    return changes.fileTermination({
      id: randomUUID(),
      initiatedBy: 'breach',
      requestedBy: at.accountId,
      requestedAt: at.now,
      effectiveOn: end,
      reason: at.reason,
    });
  }
}

async function requireUnremedied(changes: AgreementChanges, breachNoticeId: string, today: string): Promise<void> {
  const notice = await changes.findBreachNotice(breachNoticeId);
  if (!notice || notice.closedAt) throw badUserInput('breachNoticeId', 'The association has no open breach notice with this id.');
  if (!remedyHasPassed(notice.remedyBy, today)) {
    throw badUserInput('breachNoticeId', `The association has until ${notice.remedyBy} to remedy the breach; it may be blocked from the day after.`);
  }
}
