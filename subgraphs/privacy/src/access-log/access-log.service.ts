import { z } from 'zod';
import { decodeCursor, encodeCursor, forbidden, isMember, pageSize, payloadOf, unauthenticated, type Event, type Viewer } from '@tunet/kit';
import type { AccessEntry, AccessLogRepository } from './access-log.repository';
import { firstBreak, type ChainBreak } from './access-log.rules';

export interface AccessLogPage {
  nodes: AccessEntry[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** The verifier's finding for one association: null when its chain holds. */
export interface ChainReport {
  associationId: string;
  entries: number;
  broken: ChainBreak | null;
}

const cursorKey = z.tuple([z.number().int().positive()]);

/** The access log (docs/decisions/0039): appends from members' events, the person's view, the verifier. */
export class AccessLogService {
  constructor(private readonly repository: AccessLogRepository) {}

  /** `personal_data.accessed`: reads by the board, an integration or Tunet support, one entry per person read. */
  recordAccessed(event: Event): Promise<number> {
    const { entries } = payloadOf(event, 'personal_data.accessed');
    return this.repository.append(
      event.associationId,
      event.eventId,
      entries.map((entry) => ({ ...entry, kind: 'read' as const, at: new Date(entry.at) })),
    );
  }

  /** `personal_data.changed`: who changed which of a person's fields. */
  recordChanged(event: Event): Promise<number> {
    const change = payloadOf(event, 'personal_data.changed');
    return this.repository.append(event.associationId, event.eventId, [{ ...change, kind: 'change', reason: null, at: new Date(change.at) }]);
  }

  /**
   * myDataAccess: the member's own entries, newest first. Only the person sees them: the board keeps its view of
   * support sessions (Association.supportAccess) and no view of who read whom.
   */
  async mine(viewer: Viewer | null, first: number | null | undefined, after: string | null | undefined): Promise<AccessLogPage> {
    if (!viewer) throw unauthenticated();
    if (!isMember(viewer) || viewer.support) throw forbidden('Only the person themself sees who looked at their data.');
    const size = pageSize(first);
    const before = after ? decodeCursor(after, cursorKey)[0] : null;
    const rows = await this.repository.about(viewer.associationId, viewer.memberId, size + 1, before);
    const nodes = rows.slice(0, size);
    const hasNextPage = rows.length > size;
    return { nodes, pageInfo: { hasNextPage, endCursor: hasNextPage ? encodeCursor([nodes.at(-1)!.sequence]) : null } };
  }

  /** Walks every association's chain (or one) and reports the first broken entry of each. */
  async verify(associationId?: string): Promise<ChainReport[]> {
    const heads = (await this.repository.associations()).filter((head) => !associationId || head.associationId === associationId);
    const reports: ChainReport[] = [];
    for (const head of heads) {
      const entries = [];
      for (let page = await this.repository.chainPage(head.associationId, 0); page.length > 0;) {
        entries.push(...page);
        page = await this.repository.chainPage(head.associationId, page.at(-1)!.sequence);
      }
      // Entries appended after the head was read are the next walk's.
      const chain = entries.filter((entry) => entry.sequence <= head.sequence);
      reports.push({ associationId: head.associationId, entries: chain.length, broken: firstBreak(chain, head.sequence === 0 ? null : head) });
    }
    return reports;
  }
}
