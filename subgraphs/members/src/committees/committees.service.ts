import { randomUUID } from 'node:crypto';
import { badUserInput, conflict, notFound, parseInput, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import { refuseOperatorOutside } from '../members/members.access';
import type { MembersLoaders } from '../members/members.loaders';
import { canSeeCommittees, requireCommitteeManager } from './committees.access';
import type { CommitteesLoaders } from './committees.loaders';
import type { CommitteeRow, CommitteesRepository, CommitteeTermRow } from './committees.repository';

const isoDate = z.iso.date();
const createCommitteeInput = z.object({
  kind: z.enum(['BOARD', 'NOMINATION', 'PARTY', 'CUSTOM']).transform((k) => k.toLowerCase() as CommitteeRow['kind']),
  name: z.string().trim().min(1).max(100),
});
const appointInput = z.object({
  committeeId: z.guid(),
  memberId: z.guid(),
  role: z.enum(['LEADER', 'DEPUTY', 'MEMBER', 'SECRETARY']).transform((r) => r.toLowerCase() as CommitteeTermRow['role']),
  termFrom: isoDate,
  termTo: isoDate.nullish(),
});
const endTermInput = z.object({ termId: z.guid(), termTo: isoDate });

/** Committees and terms. Board rights follow active board terms, so ending a term ends the rights. */
export class CommitteesService {
  constructor(private readonly repository: CommitteesRepository) {}

  /** `board.term_ended` for every board term whose last day has passed, once each: the sweep's work. */
  announceEndedBoardTerms(): Promise<number> {
    return this.repository.announceEndedBoardTerms((term) => ({
      topic: 'board.term_ended',
      payload: { termId: term.id, memberId: term.memberId, termTo: term.termTo },
    }));
  }

  async committees(viewer: Viewer | null, associationId: string): Promise<CommitteeRow[]> {
    refuseOperatorOutside(viewer, associationId);
    if (!canSeeCommittees(viewer, associationId)) return [];
    return this.repository.listCommittees(associationId);
  }

  async createCommittee(viewer: Viewer | null, raw: unknown): Promise<CommitteeRow> {
    const tenant = requireCommitteeManager(viewer);
    const input = parseInput(createCommitteeInput, raw);
    const existing = await this.repository.listCommittees(tenant);
    if (input.kind === 'board' && existing.some((c) => c.kind === 'board')) throw conflict('The association already has a board.');
    if (existing.some((c) => c.name.toLowerCase() === input.name.toLowerCase())) {
      throw conflict(`A committee named ${input.name} already exists.`);
    }
    return this.repository.insertCommittee(tenant, { id: randomUUID(), ...input });
  }

  async appoint(viewer: Viewer | null, loaders: CommitteesLoaders & MembersLoaders, raw: unknown): Promise<CommitteeTermRow> {
    const tenant = requireCommitteeManager(viewer);
    const input = parseInput(appointInput, raw);
    if (!(await loaders.committeeById.load(input.committeeId))) throw badUserInput('committeeId', 'No such committee.');
    // The tombstone stands in for erased people; it holds no seat.
    if ((await loaders.memberById.load(input.memberId))?.tombstone !== false) throw badUserInput('memberId', 'No such member.');
    if (input.termTo && input.termTo < input.termFrom) throw badUserInput('termTo', 'The term ends before it begins.');
    const terms = await loaders.termsByMember.load(input.memberId);
    const overlapping = terms.some(
      (t) => t.committeeId === input.committeeId && (t.termTo === null || t.termTo >= input.termFrom) && (input.termTo == null || t.termFrom <= input.termTo),
    );
    if (overlapping) throw conflict('The member already has a seat on this committee in that period.');
    return this.repository.insertTerm(tenant, { id: randomUUID(), ...input });
  }

  async endTerm(viewer: Viewer | null, raw: unknown): Promise<CommitteeTermRow> {
    const tenant = requireCommitteeManager(viewer);
    const input = parseInput(endTermInput, raw);
    const term = await this.repository.findTerm(tenant, input.termId);
    if (!term) throw notFound('Term');
    if (input.termTo < term.termFrom) throw badUserInput('termTo', 'The term ends before it begins.');
    return (await this.repository.endTerm(tenant, input.termId, input.termTo))!;
  }
}
