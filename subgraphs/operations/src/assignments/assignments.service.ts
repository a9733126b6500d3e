import {
  badUserInput,
  conflict,
  decodeCursor,
  forbidden,
  isMember,
  isUuid,
  notFound,
  pageSize,
  rolesIn,
  toPage,
  type MemberRoles,
  type Page,
  type RequestContext,
  type Viewer,
} from '@tunet/kit';
import { keyOf, listedAt, type ServiceRequestRow } from '../service-requests/service-requests.repository';
import { holdsAssigneeRole } from '../service-requests/service-requests.access';
import { admittedAssociation, listKey, type ServiceRequestsService } from '../service-requests/service-requests.service';
import { canAssign, isAssignable, isAssignee } from './assignments.access';
import type { RequestFieldLoaders } from '../request-fields.loaders';
import type { AssignmentsRepository, SupplierRow } from './assignments.repository';
import { checkSupplier, type SupplierInput } from './assignments.rules';

export interface AssignInput {
  requestId: string;
  assigneeMemberId?: string | null;
  supplier?: SupplierInput | null;
}

/**
 * Assignment of service requests (decision 0042): the board gives a request to the caretaker (an external) or a
 * board member, checked with members at that moment, and may engage a supplier with a contact person. The assignee
 * then sees and works on that request, and on nothing else.
 */
export class AssignmentsService {
  constructor(
    private readonly repository: AssignmentsRepository,
    private readonly serviceRequests: ServiceRequestsService,
    private readonly memberRoles: MemberRoles,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Sets the request's assignee and supplier to exactly those given: what is left out is taken off. */
  async assign(request: RequestContext, input: AssignInput): Promise<ServiceRequestRow> {
    const associationId = admittedAssociation(request);
    if (!canAssign(request.viewer, associationId)) throw forbidden('Only the board assigns service requests.');
    if (!isUuid(input.requestId)) throw notFound('Service request');
    const assigneeMemberId = input.assigneeMemberId ?? null;
    const supplier = input.supplier ? checkSupplier(input.supplier) : null;
    if (assigneeMemberId !== null) {
      const known = isUuid(assigneeMemberId) ? rolesIn(await this.memberRoles.rolesOf(associationId, [assigneeMemberId]), assigneeMemberId) : null;
      if (!isAssignable(known)) {
        throw badUserInput('assigneeMemberId', 'assigneeMemberId: not a current caretaker (external) or board member of this association.');
      }
    }
    const result = await this.repository.assign(associationId, input.requestId, { assigneeMemberId, supplier }, request.viewer!.memberId!, this.now());
    if (result === 'not_found') throw notFound('Service request');
    if (result === 'finished') throw conflict('The request is closed or rejected; reopen it before assigning it.');
    return result.row;
  }

  /** The requests assigned to the viewer, overdue first then newest: the caretaker's work list. */
  async assignedToMe(request: RequestContext, args: { first?: number | null; after?: string | null }): Promise<Page<ServiceRequestRow>> {
    const associationId = admittedAssociation(request);
    const viewer = request.viewer;
    if (!isMember(viewer)) throw forbidden('Only members have requests assigned to them.');
    // A member whose role no longer works on requests (a board member who left the board) has none to work on.
    if (!holdsAssigneeRole(viewer)) return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
    const size = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after, listKey) : null;
    const now = listedAt(after, this.now());
    const rows = await this.repository.assignedTo(associationId, viewer.memberId, size + 1, after, now);
    return toPage(rows, size, (row) => keyOf(row, now));
  }

  /** The supplier and its contact person: the board and the assignee only (personal data of someone not a member). */
  async supplierOf(viewer: Viewer | null, row: ServiceRequestRow, loaders?: Pick<RequestFieldLoaders, 'supplier'>): Promise<SupplierRow | null> {
    if (!canAssign(viewer, row.associationId) && !isAssignee(viewer, row)) return null;
    if (!loaders) return this.repository.supplier(row.associationId, row.id);
    return (await loaders.supplier.load(row.id))[0] ?? null;
  }

  /** The suppliers of a batch of requests, for the loaders (seeing them is checked by `supplierOf`). */
  suppliersOf(associationId: string, requestIds: readonly string[]): Promise<SupplierRow[]> {
    return this.repository.suppliers(associationId, requestIds);
  }

  /** Who it is assigned to: those who see the request's details (reporter, board, assignee, operator in support). */
  assigneeOf(viewer: Viewer | null, row: ServiceRequestRow): { id: string } | null {
    if (!row.assigneeMemberId || !this.serviceRequests.seesDetails(viewer, row)) return null;
    return { id: row.assigneeMemberId };
  }
}
