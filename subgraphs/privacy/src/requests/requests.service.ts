import { conflict, decodeCursor, forbidden, isMember, notFound, pageSize, rateLimited, toPage, unauthenticated, type Page, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import type { RequestFilter, RequestKind } from '../tables';
import { canManageRequests, canRequestFor, canSeeRequest } from './requests.access';
import { retryAfterSeconds } from './requests.rules';
import type { MembersLookup } from './members-client';
import type { RequestPosition, RequestRow, RequestsRepository, StepRow } from './requests.repository';

/** A request with its steps, as the resolvers show it. */
export type RequestView = RequestRow & { steps: StepRow[] };

const openCursor = z.tuple([z.iso.date(), z.guid()]);
const completedCursor = z.tuple([z.iso.datetime(), z.guid()]);

/**
 * Data-subject requests (docs/decisions/0036): received from the person or the board, listed for the board with
 * their deadlines, extended with a reason. The job (requests.job.ts) does the work.
 */
export class RequestsService {
  constructor(
    private readonly repository: RequestsRepository,
    private readonly members: MembersLookup,
    /** The subgraphs a request asks, one step each. */
    private readonly subgraphs: readonly string[],
    /** Tells the job a request came in. */
    private readonly received: () => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  requestExport(viewer: Viewer | null, input: { memberId?: string | null }): Promise<RequestView> {
    return this.receive(viewer, 'export', input.memberId ?? null);
  }

  requestErasure(viewer: Viewer | null, input: { memberId?: string | null }): Promise<RequestView> {
    return this.receive(viewer, 'erasure', input.memberId ?? null);
  }

  private async receive(viewer: Viewer | null, kind: RequestKind, asked: string | null): Promise<RequestView> {
    if (!viewer) throw unauthenticated();
    if (!isMember(viewer) || viewer.integration) throw forbidden('Only a member of the association asks for this, for themself or (the board) for a member.');
    const { associationId } = viewer;
    const memberId = asked ?? viewer.memberId;
    if (!canRequestFor(viewer, associationId, memberId)) throw forbidden('Only the board asks on behalf of another member.');
    if (kind === 'erasure' && memberId === viewer.memberId && viewer.role === 'board') {
      // The association needs a board to answer for it; the seat ends first (by the board), then the person is erased.
      throw conflict('A sitting board member cannot be erased: leave the board first (another board member ends your seat), then ask again.');
    }
    if (memberId !== viewer.memberId) {
      // Asked again while open: the same request, even once members (erased first) no longer knows the person.
      const open = await this.repository.openOf(associationId, memberId, kind);
      if (open) return this.withSteps(open);
      if (!(await this.members.memberExists(associationId, memberId))) throw notFound('The member');
      // The "Former resident" holds erased people's kept content: it is no person, and its data is the association's.
      if ((await this.members.tombstoneOf(associationId)) === memberId) throw notFound('The member');
      if (kind === 'erasure' && (await this.members.sitsOnBoard(associationId, memberId))) {
        // As for a self-erasure: the association needs its board to answer for it, and the person is told by ending the term.
        throw conflict('A sitting board member cannot be erased: end their board term first, then ask again.');
      }
    }
    const now = this.now();
    const recent = await this.repository.receivedSince(associationId, memberId, kind, new Date(now.getTime() - 86_400_000), memberId === viewer.memberId);
    const wait = retryAfterSeconds(recent, now);
    // An open request is returned below whatever the rate; only new ones count.
    if (wait > 0 && !(await this.repository.openOf(associationId, memberId, kind))) throw rateLimited(wait);
    const timeZone = (await this.members.timeZoneOf(associationId)) ?? 'Europe/Oslo';
    const { row, created } = await this.repository.open({
      associationId,
      kind,
      subjectMemberId: memberId,
      requestedBy: viewer.memberId,
      reason: 'request',
      receivedAt: now,
      timeZone,
      subgraphs: this.subgraphs,
    });
    if (created) this.received();
    return this.withSteps(row);
  }

  async extend(viewer: Viewer | null, input: { id: string; months: number; reason: string }): Promise<RequestView> {
    if (!viewer) throw unauthenticated();
    if (!isMember(viewer) || !canManageRequests(viewer, viewer.associationId)) throw forbidden('Only the board extends a privacy request.');
    if (!z.guid().safeParse(input.id).success) throw notFound('The privacy request');
    return this.withSteps(
      await this.repository.extend(viewer.associationId, input.id, { months: input.months, reason: input.reason, by: viewer.memberId, now: this.now() }),
    );
  }

  async page(viewer: Viewer | null, args: { status?: RequestFilter | null; first?: number | null; after?: string | null }): Promise<Page<RequestView>> {
    if (!viewer) throw unauthenticated();
    if (!isMember(viewer) || !canManageRequests(viewer, viewer.associationId)) throw forbidden('Only the board sees the association’s privacy requests.');
    // A schema default reaches resolvers as GraphQL wrote it (OPEN), a variable as the database value (open).
    const filter: RequestFilter = String(args.status ?? 'open').toLowerCase() === 'completed' ? 'completed' : 'open';
    const size = pageSize(args.first);
    let after: RequestPosition | null = null;
    if (args.after && filter === 'open') {
      const [deadline, id] = decodeCursor(args.after, openCursor);
      after = { filter, deadline, id };
    } else if (args.after) {
      const [at, id] = decodeCursor(args.after, completedCursor);
      after = { filter: 'completed', completedAt: new Date(at), id };
    }
    const rows = await this.repository.page(viewer.associationId, filter, size + 1, after);
    const page = toPage(rows, size, (row) => (filter === 'open' ? [row.deadline, row.id] : [row.completedAt!.toISOString(), row.id]));
    return { ...page, nodes: await this.withStepsAll(viewer.associationId, page.nodes) };
  }

  async mine(viewer: Viewer | null): Promise<RequestView[]> {
    if (!viewer) throw unauthenticated();
    if (!isMember(viewer) || viewer.integration) throw forbidden('Only a member of an association has privacy requests there.');
    const rows = await this.repository.about(viewer.associationId, viewer.memberId);
    return this.withStepsAll(
      viewer.associationId,
      rows.filter((row) => canSeeRequest(viewer, row)),
    );
  }

  private async withSteps(row: RequestRow): Promise<RequestView> {
    return (await this.withStepsAll(row.associationId, [row]))[0]!;
  }

  private async withStepsAll(associationId: string, rows: RequestRow[]): Promise<RequestView[]> {
    const steps = await this.repository.stepsOf(
      associationId,
      rows.map((row) => row.id),
    );
    const order = new Map(this.subgraphs.map((name, index) => [name, index]));
    return rows.map((row) => ({
      ...row,
      steps: steps.filter((step) => step.requestId === row.id).sort((a, b) => (order.get(a.subgraph) ?? 99) - (order.get(b.subgraph) ?? 99)),
    }));
  }
}
