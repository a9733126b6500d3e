import { badUserInput, conflict, notFound, parseInput, refusedRule, type Announcement, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import type { MembersLoaders } from '../members/members.loaders';
import { requireOperator } from '../associations/associations.access';
import { requireAssociationTermsReader, requireTermsAcceptor, requireTermsReader } from './terms.access';
import type { TermsAcceptanceRow, TermsRepository, TermsRule, TermsVersionRow } from './terms.repository';
import { currentVersion, earliestEffectiveOn, isAcceptable, isEffectiveOnAllowed, mustAcceptBy, nextVersion, termsToday } from './terms.rules';

const versionName = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z._-]{1,40}$/, 'must be 1–40 letters, digits, `.`, `_` or `-`');
const summary = z.string().trim().min(1).max(2000);

const publishInput = z.object({
  version: versionName,
  effectiveOn: z.iso.date(),
  url: z.string().trim().url().startsWith('https://', 'must be an https address').max(500),
  summaryNb: summary,
  summaryEn: summary,
});
const acceptInput = z.object({ associationId: z.guid(), version: z.string().trim().min(1).max(40) });

/** Where an association stands with the terms; the shape of `AssociationTerms`. */
export interface AssociationTermsState {
  current: TermsVersionRow | null;
  currentAccepted: boolean;
  accepted: TermsAcceptanceRow[];
  pending: { terms: TermsVersionRow; effectiveOn: string; accepted: boolean } | null;
  mustAcceptBy: string | null;
}

/**
 * Versioned terms of service (docs/decisions/0033): the provider publishes a version at least a month ahead and
 * every board is told through `terms.version_announced`; the board accepts it in the app. Refusing an association
 * that let a version take effect unaccepted is the operators' decision (blocking), not automatic.
 */
export class TermsService {
  constructor(
    private readonly repository: TermsRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async versions(viewer: Viewer | null): Promise<TermsVersionRow[]> {
    requireTermsReader(viewer);
    return this.repository.versions();
  }

  /** The version in effect today, which a new association must accept. */
  async current(): Promise<TermsVersionRow | null> {
    return currentVersion(await this.repository.versions(), termsToday(this.now()));
  }

  async publish(viewer: Viewer | null, raw: unknown): Promise<{ terms: TermsVersionRow; announcedTo: number }> {
    const operator = requireOperator(viewer);
    const input = parseInput(publishInput, raw);
    const now = this.now();
    if (!isEffectiveOnAllowed(input.effectiveOn, now)) {
      throw badUserInput(
        'effectiveOn',
        `effectiveOn: the terms take effect one month after they are announced at the earliest, on ${earliestEffectiveOn(now)}.`,
      );
    }
    try {
      const { row, announcedTo } = await this.repository.publish({ ...input, publishedAt: now, publishedByAccountId: operator.accountId }, announcement);
      return { terms: row, announcedTo };
    } catch (error) {
      if (refusedRule<TermsRule>(error) === 'version-taken') throw conflict(`Terms version ${input.version} is already published; choose another name.`);
      throw error;
    }
  }

  async accept(viewer: Viewer | null, loaders: MembersLoaders, raw: unknown): Promise<{ acceptance: TermsAcceptanceRow; associationId: string }> {
    const input = parseInput(acceptInput, raw);
    const board = requireTermsAcceptor(viewer, input.associationId);
    const versions = await this.repository.versions();
    if (!versions.some((v) => v.version === input.version)) throw notFound('Terms version');
    const accepted = await this.repository.acceptances(input.associationId);
    const earlier = accepted.find((a) => a.version === input.version);
    if (earlier) return { acceptance: earlier, associationId: input.associationId };
    if (!isAcceptable(versions, input.version, termsToday(this.now()))) {
      throw badUserInput('version', `version: ${input.version} is no longer in effect; accept the current version.`);
    }
    const member = await loaders.memberById.load(board.memberId);
    if (!member) throw notFound('Member');
    const acceptance = await this.repository.accept(input.associationId, {
      version: input.version,
      acceptedByName: member.displayName,
      recordedByAccountId: board.accountId,
      recordedByMemberId: board.memberId,
    });
    return { acceptance, associationId: input.associationId };
  }

  async associationTerms(viewer: Viewer | null, associationId: string): Promise<AssociationTermsState> {
    requireAssociationTermsReader(viewer, associationId);
    return this.stateOf(associationId);
  }

  async stateOf(associationId: string): Promise<AssociationTermsState> {
    const [versions, accepted] = await Promise.all([this.repository.versions(), this.repository.acceptances(associationId)]);
    const today = termsToday(this.now());
    const done = new Set(accepted.map((a) => a.version));
    const current = currentVersion(versions, today);
    const next = nextVersion(versions, today);
    return {
      current,
      currentAccepted: current !== null && done.has(current.version),
      accepted,
      pending: next ? { terms: next, effectiveOn: next.effectiveOn, accepted: done.has(next.version) } : null,
      mustAcceptBy: mustAcceptBy(versions, done, today),
    };
  }
}

function announcement(row: TermsVersionRow): Announcement {
  return { topic: 'terms.version_announced', payload: { version: row.version, effectiveOn: row.effectiveOn, summaryUrl: row.url } };
}
