import {
  announcePrivacyStatesChanged,
  badUserInput,
  conflict,
  forbidden,
  notFound,
  parseInput,
  rateLimited,
  unauthenticated,
  type FastStore,
  type MemberReferences,
  type SubgraphDatabase,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import { administers, isPerson, requireAdministrator } from '../consents/consents.access';
import type { RestrictionsRepository } from './restrictions.repository';
import { refusedLift, refusedRestrictionChange, restrictionInForce, type RestrictionRecord } from './restrictions.rules';

const changeInput = z.object({ memberId: z.guid().nullish(), reason: z.string().trim().min(1).max(1000) });

/** Far more than anyone sets and lifts in earnest; toggling to flood the history and every process's cache is stopped. */
export const MAX_RESTRICTION_CHANGES_PER_HOUR = 20;
const HOUR_MS = 60 * 60 * 1000;

/** The person's own restriction in force (null when none) and every change, newest first. */
export interface MyRestrictionView {
  inForce: RestrictionRecord | null;
  history: RestrictionRecord[];
}

/** Who acts, and on whom: the person on themself, or the board (an operator in a support session) on any member. */
interface Acting {
  associationId: string;
  memberId: string;
  actor: RestrictionRecord['actor'];
  actorMemberId: string | null;
}

/**
 * Restriction of processing (GDPR art. 18): while in force the person is hidden from the directory, gets only legally
 * required messages and nothing new they write is shown to others. Every set and lift is kept with its reason.
 */
export class RestrictionsService {
  constructor(
    private readonly db: SubgraphDatabase,
    private readonly repository: RestrictionsRepository,
    private readonly members: MemberReferences,
    private readonly store: FastStore,
  ) {}

  /** The viewer's own restriction in force (null when none) and its history. */
  async mine(viewer: Viewer | null): Promise<MyRestrictionView> {
    if (!viewer) throw unauthenticated();
    if (!isPerson(viewer)) throw forbidden('Only the person themself, signed in as a member, can do this.');
    const history = await this.repository.history(viewer.associationId, viewer.memberId);
    return { inForce: restrictionInForce(history), history };
  }

  /** The board's list: whom it must not process beyond storing, since when and why. */
  async inForce(viewer: Viewer | null): Promise<RestrictionRecord[]> {
    return this.repository.inForce(requireAdministrator(viewer).associationId);
  }

  async set(viewer: Viewer | null, raw: unknown): Promise<RestrictionRecord> {
    return this.change(viewer, raw, 'set');
  }

  async lift(viewer: Viewer | null, raw: unknown): Promise<RestrictionRecord> {
    return this.change(viewer, raw, 'lifted');
  }

  private async change(viewer: Viewer | null, raw: unknown, action: RestrictionRecord['action']): Promise<RestrictionRecord> {
    const input = parseInput(changeInput, raw);
    const acting = await this.acting(viewer, input.memberId ?? null);
    const change = await this.db.tenant(acting.associationId, async (tx): Promise<{ refusal: string } | { made: RestrictionRecord }> => {
      await this.repository.lockMember(tx, acting.associationId, acting.memberId);
      const history = await this.repository.historyIn(tx, acting.associationId, acting.memberId);
      const inForce = restrictionInForce(history);
      const repeated = refusedRestrictionChange(inForce, action);
      if (repeated) return { refusal: repeated };
      const refusal = action === 'lifted' ? refusedLift(inForce, acting.actor) : null;
      if (refusal) throw conflict(refusal);
      if (history.filter((c) => Date.now() - c.at.getTime() < HOUR_MS).length >= MAX_RESTRICTION_CHANGES_PER_HOUR) throw rateLimited(60 * 60);
      const made = { memberId: acting.memberId, action, reason: input.reason, actor: acting.actor };
      await this.repository.append(tx, acting.associationId, made, acting.actorMemberId);
      if (made.actor !== 'self') {
        // The person is told when someone else restricts them or lifts it (art. 18(3)); their own changes they know of.
        await this.db.outbox.add(tx, {
          associationId: acting.associationId,
          topic: 'privacy.restriction_changed',
          payload: { memberId: made.memberId, action, actor: made.actor, reason: made.reason },
        });
      }
      return { made: { ...made, at: new Date() } };
    });
    // Announced also when the change was already made: a retry after an announcement that failed must announce.
    await announcePrivacyStatesChanged(this.store, acting.associationId);
    if ('refusal' in change) throw conflict(change.refusal);
    return change.made;
  }

  private async acting(viewer: Viewer | null, memberId: string | null): Promise<Acting> {
    if (!viewer) throw unauthenticated();
    if (isPerson(viewer) && (memberId === null || memberId === viewer.memberId)) {
      return { associationId: viewer.associationId, memberId: viewer.memberId, actor: 'self', actorMemberId: null };
    }
    if (!administers(viewer)) throw forbidden("Only the person themself or the association's board may do this.");
    const { associationId, memberId: boardMemberId, actor } = requireAdministrator(viewer);
    if (!memberId) throw badUserInput('memberId', 'memberId: an operator names the member.');
    // A member of another association, or no member at all, is simply not found here.
    const { memberIds } = await this.members.existing(associationId, { memberIds: [memberId] });
    if (!memberIds.includes(memberId)) throw notFound('Member');
    return { associationId, memberId, actor, actorMemberId: boardMemberId };
  }
}
