import { isMember, type MemberRole, type Viewer } from '@tunet/kit';
import { holdsAssigneeRole } from '../service-requests/service-requests.access';
import type { ServiceRequestStatus } from '../tables';

/**
 * Who may assign a service request, to whom, and what the assignee may then do (docs/decisions/0042). Pure
 * functions: no I/O. Rights come from assignment: the member a request is assigned to sees and works on it, and on
 * nothing else; the board sees and assigns every request of its association.
 */

/** The request as assignment looks at it. */
export interface Assigned {
  associationId: string;
  assigneeMemberId: string | null;
}

/** Assigning (and reassigning, and taking a request back) is the board's. */
export function canAssign(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId && viewer.role === 'board';
}

/**
 * Whom a request can be assigned to, by what members says they are today: the caretaker (an external) or a board
 * member who does the job themselves. A resident is not: a neighbour would see another resident's fault in their
 * flat; a resident who is also a tradesperson is engaged as a supplier. A suspended member cannot log in to work on it.
 */
export function isAssignable(member: { roles: readonly MemberRole[]; suspended: boolean } | null): boolean {
  if (!member || member.suspended) return false;
  return member.roles.includes('external') || member.roles.includes('board');
}

/** The member the request is assigned to, while their token's role is still one that works on requests. */
export function isAssignee(viewer: Viewer | null, request: Assigned): boolean {
  return isMember(viewer) && viewer.associationId === request.associationId && holdsAssigneeRole(viewer) && request.assigneeMemberId === viewer.memberId;
}

/**
 * The statuses an assignee may move their request to, where the workflow allows: they acknowledge it, work on it,
 * wait for parts or a supplier, and report it fixed. Rejecting and closing stay the board's, so a caretaker cannot
 * make a fault go away; reopening is the reporter's.
 */
const ASSIGNEE_TARGETS: ReadonlySet<ServiceRequestStatus> = new Set(['acknowledged', 'in_progress', 'waiting', 'resolved']);

export function assigneeMayMoveTo(to: ServiceRequestStatus): boolean {
  return ASSIGNEE_TARGETS.has(to);
}
