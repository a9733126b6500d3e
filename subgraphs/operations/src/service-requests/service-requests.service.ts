import {
  badUserInput,
  decodeCursor,
  forbidden,
  isMember,
  isUuid,
  notFound,
  operatesIn,
  pageSize,
  rateLimited,
  requireFeature,
  toPage,
  unauthenticated,
  type Announcement,
  type FastStore,
  type MemberHomes,
  type MemberReferences,
  type Page,
  type RequestContext,
  RateLimit,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import { OPERATIONS_FEATURE } from '../feature';
import type { LocationKind, ServiceRequestCategory, ServiceRequestStatus, ServiceRequestUrgency, UrgentReason } from '../tables';
import {
  ASSIGNEES_MOVE_NOTHING,
  canChangeStatus,
  canChangeVisibility,
  canListAll,
  canReport,
  canSeeRequest,
  canSeeRequestDetails,
  type AssigneeMayMoveTo,
  type AssignmentFacts,
} from './service-requests.access';
import {
  keyOf,
  listedAt,
  type Actor,
  type ListKey,
  type ListScope,
  type NewServiceRequest,
  type ServiceRequestRow,
  type ServiceRequestsRepository,
  type StatusChangeRow,
} from './service-requests.repository';
import { checkPlace, checkReportText, checkTransition, timestampsFor } from './service-requests.rules';

/** Whom a request is assigned to; assignment (decision 0042) provides it, nobody until then. */
export type AssigneeOf = (row: ServiceRequestRow) => AssignmentFacts;
const NOBODY: AssigneeOf = () => ({ assigneeMemberId: null });

export interface ReportInput {
  category: ServiceRequestCategory;
  location: { kind: LocationKind; unitId?: string | null; buildingId?: string | null; place?: string | null };
  title: string;
  description: string;
  /** NORMAL when left out. */
  urgency?: ServiceRequestUrgency | null;
  urgentReason?: UrgentReason | null;
  visibleToResidents?: boolean | null;
}

/** Reports per member per hour before RATE_LIMITED: far above a real fault's, far below a flood. */
const REPORTS_PER_HOUR = 20;
/** A list's cursor: overdue flag, created at, id (ListKey). */
export const listKey = z.tuple([z.union([z.literal(0), z.literal(1)]), z.iso.datetime(), z.guid(), z.iso.datetime()]);

export interface ServiceRequestsDependencies {
  members: MemberReferences;
  homes: MemberHomes;
  store: FastStore;
  now: () => Date;
  /** Seams for assignment (decision 0042): whom a request is assigned to, and what the assignee may move it to. */
  assigneeOf?: AssigneeOf;
  assigneeMayMoveTo?: AssigneeMayMoveTo;
}

/** Service requests (feilmeldinger): for the viewer's association only, and only with the operations add-on. */
export class ServiceRequestsService {
  private readonly reports: RateLimit;
  private readonly assigneeOf: AssigneeOf;
  private readonly assigneeMayMoveTo: AssigneeMayMoveTo;

  constructor(
    private readonly repository: ServiceRequestsRepository,
    private readonly deps: ServiceRequestsDependencies,
  ) {
    this.reports = new RateLimit(deps.store, { name: 'operations:reports', points: REPORTS_PER_HOUR, windowSeconds: 3600, blockSeconds: 3600 });
    this.assigneeOf = deps.assigneeOf ?? NOBODY;
    this.assigneeMayMoveTo = deps.assigneeMayMoveTo ?? ASSIGNEES_MOVE_NOTHING;
  }

  private facts(row: ServiceRequestRow) {
    return { ...row, ...this.assigneeOf(row) };
  }

  /**
   * One request the viewer may see; NOT_FOUND for one they may not (another association's id included), so its
   * existence is not given away. The add-on is checked before anything is read.
   */
  async get(request: RequestContext, id: string): Promise<ServiceRequestRow> {
    const associationId = admittedMember(request);
    if (!isUuid(id)) throw notFound('Service request');
    const row = await this.repository.find(associationId, id);
    if (!row || !canSeeRequest(request.viewer, this.facts(row))) throw notFound('Service request');
    return row;
  }

  /** The board's (and an operator's) list of every request; a resident's own and those shown to their buildings. */
  async list(
    request: RequestContext,
    args: { status?: readonly ServiceRequestStatus[] | null; first?: number | null; after?: string | null },
  ): Promise<Page<ServiceRequestRow>> {
    const associationId = admittedAssociation(request);
    const viewer = request.viewer;
    let scope: ListScope;
    if (canListAll(viewer, associationId)) scope = { kind: 'all' };
    else if (isMember(viewer) && viewer.role !== 'external' && !viewer.integration) {
      scope = { kind: 'visible', reporterMemberId: viewer.memberId, buildingIds: viewer.scope?.buildingIds ?? [] };
    } else throw forbidden('Only the board and residents list service requests.');
    return this.page(associationId, scope, args.status ?? null, args);
  }

  /** The viewer's own reports. */
  async mine(request: RequestContext, args: { first?: number | null; after?: string | null }): Promise<Page<ServiceRequestRow>> {
    const associationId = admittedAssociation(request);
    const viewer = request.viewer;
    if (!isMember(viewer)) throw forbidden('Only members report service requests.');
    return this.page(associationId, { kind: 'mine', reporterMemberId: viewer.memberId }, null, args);
  }

  private async page(
    associationId: string,
    scope: ListScope,
    statuses: readonly ServiceRequestStatus[] | null,
    args: { first?: number | null; after?: string | null },
  ): Promise<Page<ServiceRequestRow>> {
    const size = pageSize(args.first);
    const after: ListKey | null = args.after ? decodeCursor(args.after, listKey) : null;
    if (statuses && statuses.length === 0) return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
    const now = listedAt(after, this.deps.now());
    const rows = await this.repository.list(associationId, scope, statuses, after, size, now);
    return toPage(rows, size, (row) => keyOf(row, now));
  }

  /**
   * A resident or board member reports a fault: the place checked with members (their own unit from a current tenure,
   * or a building of the association), the texts within limits, at most 20 an hour per member.
   */
  async report(request: RequestContext, input: ReportInput): Promise<ServiceRequestRow> {
    const associationId = admittedAssociation(request);
    const viewer = request.viewer;
    if (!isMember(viewer) || !canReport(viewer, associationId)) throw forbidden('Residents and the board report service requests.');
    const text = checkReportText({ ...input, urgency: input.urgency ?? 'normal' });
    const key = `${associationId}:${viewer.memberId}`;
    const taken = await this.reports.take(key);
    if (!taken.taken) throw rateLimited(taken.secondsBlocked);
    const location = await this.checkLocation(associationId, viewer.memberId, input);
    const now = this.deps.now();
    const row: NewServiceRequest = {
      associationId,
      reporterMemberId: viewer.memberId,
      category: input.category,
      ...location,
      ...text,
      visibleToResidents: input.visibleToResidents ?? false,
    };
    return this.repository.report(row, { kind: 'member', memberId: viewer.memberId }, now, reportedEvents);
  }

  private async checkLocation(
    associationId: string,
    reporterMemberId: string,
    input: ReportInput,
  ): Promise<Pick<NewServiceRequest, 'locationKind' | 'unitId' | 'buildingId' | 'place'>> {
    const { kind, unitId, buildingId, place } = input.location;
    if (kind === 'unit') {
      if (input.visibleToResidents === true) throw badUserInput('visibleToResidents', 'visibleToResidents: a request about a unit is never shown to others.');
      if (buildingId != null || place != null) throw badUserInput('location', 'location: a UNIT has only unitId.');
      const home = unitId ? (await this.deps.homes.homesOf(associationId, reporterMemberId)).find((h) => h.unitId === unitId) : undefined;
      if (!home) throw badUserInput('location.unitId', 'location.unitId: one of your own units, where you live now.');
      return { locationKind: 'unit', unitId: home.unitId, buildingId: home.buildingId, place: null };
    }
    if (unitId != null) throw badUserInput('location.unitId', `location.unitId: only for a UNIT.`);
    if (kind === 'building' && buildingId == null) throw badUserInput('location.buildingId', 'location.buildingId: required for a BUILDING.');
    if (kind === 'building' && place != null) throw badUserInput('location.place', 'location.place: only for a COMMON_AREA.');
    if (buildingId != null) {
      // Members answers a malformed id with 400, which would reach the client as an internal error.
      if (!isUuid(buildingId)) throw badUserInput('location.buildingId', 'location.buildingId: no such building in this association.');
      const existing = await this.deps.members.existing(associationId, { buildingIds: [buildingId] });
      if (!existing.buildingIds.includes(buildingId)) throw badUserInput('location.buildingId', 'location.buildingId: no such building in this association.');
    }
    return kind === 'building'
      ? { locationKind: 'building', unitId: null, buildingId: buildingId!, place: null }
      : { locationKind: 'common_area', unitId: null, buildingId: buildingId ?? null, place: checkPlace(place) };
  }

  /**
   * Moves a request along the workflow (the rules), if the viewer may make this change (the access rules), with its
   * history entry and the reporter's event in the same transaction. NOT_FOUND for a request the viewer does not see.
   */
  async changeStatus(request: RequestContext, input: { id: string; status: ServiceRequestStatus; reason?: string | null }): Promise<ServiceRequestRow> {
    const associationId = admittedMember(request);
    const viewer = request.viewer;
    if (!isUuid(input.id)) throw notFound('Service request');
    const now = this.deps.now();
    const changed = await this.repository.changeStatus(
      associationId,
      input.id,
      actorOf(viewer),
      (current) => {
        const facts = this.facts(current);
        if (!canSeeRequest(viewer, facts)) throw notFound('Service request');
        const reason = checkTransition({ from: current.status, to: input.status, reason: input.reason }, current.resolvedAt, now);
        if (!canChangeStatus(viewer, facts, current.status, input.status, this.assigneeMayMoveTo)) {
          throw forbidden(`You may not move this request to ${input.status.toUpperCase()}.`);
        }
        return {
          to: input.status,
          reason,
          rejectionReason: input.status === 'rejected' ? reason : null,
          timestamps: timestampsFor(input.status, current, now),
          events: [
            {
              topic: 'service_request.status_changed',
              payload: {
                requestId: current.id,
                reporterMemberId: current.reporterMemberId,
                actorMemberId: viewer?.memberId ?? null,
                from: current.status,
                to: input.status,
                title: current.title,
                reason: input.status === 'rejected' ? reason : null,
                at: now.toISOString(),
              },
            },
          ],
        };
      },
      now,
    );
    if (!changed) throw notFound('Service request');
    return changed;
  }

  /** Shows a building's or common area's request to its residents, or hides it: the board or the reporter. */
  async setVisibility(request: RequestContext, input: { id: string; visibleToResidents: boolean }): Promise<ServiceRequestRow> {
    const associationId = admittedMember(request);
    const viewer = request.viewer;
    if (!isUuid(input.id)) throw notFound('Service request');
    const changed = await this.repository.setVisibility(
      associationId,
      input.id,
      input.visibleToResidents,
      (current) => {
        if (!canSeeRequest(viewer, this.facts(current))) throw notFound('Service request');
        if (!canChangeVisibility(viewer, current)) throw forbidden('Only the board or the reporter shows a request to the residents.');
        if (input.visibleToResidents && current.locationKind === 'unit') {
          throw badUserInput('visibleToResidents', 'visibleToResidents: a request about a unit is never shown to others.');
        }
      },
      this.deps.now(),
    );
    if (!changed) throw notFound('Service request');
    return changed;
  }

  /** The history, for those who see the details; empty for a resident who sees the request as already reported. */
  async history(
    viewer: Viewer | null,
    row: ServiceRequestRow,
    loaders?: { history: { load(id: string): Promise<StatusChangeRow[]> } },
  ): Promise<StatusChangeRow[]> {
    if (!canSeeRequestDetails(viewer, this.facts(row))) return [];
    return loaders ? loaders.history.load(row.id) : this.repository.history(row.associationId, row.id);
  }

  /** The histories of a batch of requests, for the loaders (seeing them is checked by `history`). */
  historiesOf(associationId: string, requestIds: readonly string[]): Promise<StatusChangeRow[]> {
    return this.repository.histories(associationId, requestIds);
  }

  /** Whether the viewer sees who reported it and what they wrote. */
  seesDetails(viewer: Viewer | null, row: ServiceRequestRow): boolean {
    return canSeeRequestDetails(viewer, this.facts(row));
  }
}

/** The board is told of every report (service_request.reported): who and what, never the description or the place's words. */
function reportedEvents(row: ServiceRequestRow): Announcement[] {
  return [
    {
      topic: 'service_request.reported',
      payload: {
        requestId: row.id,
        reporterMemberId: row.reporterMemberId,
        title: row.title,
        category: row.category,
        urgency: row.urgency,
        locationKind: row.locationKind,
      },
    },
  ];
}

function actorOf(viewer: Viewer | null): Actor {
  if (viewer?.memberId) return { kind: 'member', memberId: viewer.memberId };
  return { kind: viewer?.platformAdmin ? 'operator' : 'system', memberId: null };
}

/**
 * The association the request acts in, once it may use the operations center: UNAUTHENTICATED for nobody, FORBIDDEN
 * for a viewer in no association (an operator outside a support session), then FEATURE_NOT_SUBSCRIBED unless the
 * entitlements the gateway signed name the add-on, so a signed request that skips the gateway's check reads nothing.
 */
export function admittedAssociation(request: RequestContext): string {
  const viewer = request.viewer;
  if (!viewer) throw unauthenticated();
  if (!viewer.associationId) throw forbidden('The operations center is used inside an association.');
  requireFeature(request, viewer.associationId, OPERATIONS_FEATURE);
  return viewer.associationId;
}

/**
 * As admittedAssociation, and then a member of it or an operator in a support session there: an integration's key
 * has no part in the operations center (FORBIDDEN, rather than NOT_FOUND for every id).
 */
function admittedMember(request: RequestContext): string {
  const associationId = admittedAssociation(request);
  if (!isMember(request.viewer) && !operatesIn(request.viewer, associationId)) throw forbidden('The operations center is for members of the association.');
  return associationId;
}
