import { admitMember, conflict, forbidden, notFound, parseInput, refusedRule, type MemberViewer, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import { canAcceptConduct, canPublishConduct, canReadConduct } from './conduct.access';
import type { ConductRepository, CurrentConductRow, PublishRule } from './conduct.repository';

const publishInput = z.object({ body: z.string().trim().min(1).max(20_000) });
const acceptInput = z.object({ version: z.number().int().min(1) });

/** The code of conduct (god skikk): the board publishes versions, members accept the current one before posting. */
export class ConductService {
  constructor(private readonly repository: ConductRepository) {}

  /** The current version as the viewer sees it; null until the board publishes one. */
  async current(viewer: Viewer | null): Promise<CurrentConductRow | null> {
    const member = admitMember(viewer, canReadConduct);
    return this.repository.current(member.associationId, member.memberId);
  }

  /** Publishing counts as the publisher's acceptance: the board member wrote the rules they ask others to accept. */
  async publish(viewer: Viewer | null, rawInput: unknown): Promise<CurrentConductRow> {
    const board = admitMember(viewer, canPublishConduct);
    const { body } = parseInput(publishInput, rawInput);
    try {
      return await this.repository.publish(board.associationId, board.memberId, body, (version) => ({
        topic: 'conduct.published',
        payload: { version, publishedByMemberId: board.memberId },
      }));
    } catch (error) {
      if (refusedRule<PublishRule>(error) === 'version-taken') {
        throw conflict('Another version was published at the same moment. Read it before publishing again.');
      }
      throw error;
    }
  }

  /** Only the current version can be accepted: accepting text that no longer applies would mean nothing. */
  async accept(viewer: Viewer | null, rawInput: unknown): Promise<CurrentConductRow> {
    const member = admitMember(viewer, canAcceptConduct);
    const { version } = parseInput(acceptInput, rawInput);
    const current = await this.repository.current(member.associationId, member.memberId);
    if (!current) throw notFound('Code of conduct');
    if (current.version !== version) throw conflict(`Version ${version} is not the current code of conduct; version ${current.version} is.`);
    if (current.viewerAcceptedAt) return current;
    const accepted = await this.repository.accept(member.associationId, member.memberId, version);
    return accepted!;
  }

  /**
   * Posting and commenting require having accepted the current version, when the association has one. FORBIDDEN
   * with `extensions.reason` and the version to accept, so a client can show the rules and ask.
   */
  async requireAccepted(viewer: MemberViewer): Promise<void> {
    const current = await this.repository.current(viewer.associationId, viewer.memberId);
    if (current && !current.viewerAcceptedAt) {
      throw forbidden(`Accept the association's code of conduct (version ${current.version}) before posting.`, {
        reason: 'CODE_OF_CONDUCT_NOT_ACCEPTED',
        version: current.version,
      });
    }
  }
}
