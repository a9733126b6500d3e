import { isMember, operatesIn, type Viewer } from '@tunet/kit';
import type { ServiceRequestStatus } from '../tables';

/**
 * Who may do what with service requests (docs/decisions/0041). Pure functions: no I/O, easy to test as a matrix.
 * An integration's API key has no operations scope and sees nothing; a platform operator sees a request only
 * inside the association through a support session, and changes nothing.
 */

/** The fields of a request the rules look at. */
export interface RequestFacts {
  associationId: string;
  reporterMemberId: string;
  locationKind: 'unit' | 'building' | 'common_area';
  buildingId: string | null;
  visibleToResidents: boolean;
  /** Who booked the booking it is linked to (decision 0041 addendum "links"); null or absent while unlinked. */
  bookerMemberId?: string | null;
}

/** Whom the request is assigned to: filled in by assignment (decision 0041); null while nobody is. */
export interface AssignmentFacts {
  assigneeMemberId: string | null;
}

function memberOf(viewer: Viewer | null, associationId: string): viewer is Viewer & { memberId: string; role: string } {
  return isMember(viewer) && viewer.associationId === associationId;
}

/** Residents and the board report faults; an external (the caretaker) works on what they are assigned, and reports nothing. */
export function canReport(viewer: Viewer | null, associationId: string): boolean {
  return memberOf(viewer, associationId) && (viewer.role === 'resident' || viewer.role === 'board');
}

/** The board runs the operations center: it sees every request of its association and moves any of them. */
export function isBoard(viewer: Viewer | null, associationId: string): boolean {
  return memberOf(viewer, associationId) && viewer.role === 'board';
}

/** The board's list of every request, and an operator's in a support session. */
export function canListAll(viewer: Viewer | null, associationId: string): boolean {
  return isBoard(viewer, associationId) || operatesIn(viewer, associationId);
}

export function isReporter(viewer: Viewer | null, request: RequestFacts): boolean {
  return memberOf(viewer, request.associationId) && viewer.memberId === request.reporterMemberId;
}

/**
 * Whether the viewer's role (their token's, read at every use) is one that works on an assigned request: the caretaker
 * (an external) or a board member. Assigning checks members' roles once; this keeps an assignment from outliving the
 * role, so a board member who leaves the board loses the request's internal side with it (decision 0042, review fixes B).
 */
export function holdsAssigneeRole(viewer: Viewer | null): boolean {
  return viewer?.role === 'external' || viewer?.role === 'board';
}

/** The member a request is assigned to (the caretaker), while their role still lets them work on it. */
export function isAssignee(viewer: Viewer | null, request: RequestFacts & AssignmentFacts): boolean {
  return (
    memberOf(viewer, request.associationId) && holdsAssigneeRole(viewer) && request.assigneeMemberId !== null && viewer.memberId === request.assigneeMemberId
  );
}

/**
 * "Already reported": a request about a building or a common area the board or reporter marked visible is seen by
 * the residents of that building (from the units of their current tenures), or by every resident when the area is in
 * no building. Never a request about someone's unit.
 */
export function isShownToResident(viewer: Viewer | null, request: RequestFacts): boolean {
  if (!memberOf(viewer, request.associationId) || viewer.role === 'external' || !request.visibleToResidents) return false;
  if (request.locationKind === 'unit') return false;
  if (request.buildingId === null) return true;
  return viewer.scope?.buildingIds.includes(request.buildingId) === true;
}

/**
 * The member who booked the booking the request is linked to (damage after a party-room booking): they see the
 * request and the link, read-only, not who reported it, its words, history or comments. Never for a request about a
 * unit: someone's home is not shown to another resident (linking one is refused).
 */
export function isBooker(viewer: Viewer | null, request: RequestFacts): boolean {
  if (request.locationKind === 'unit') return false;
  return memberOf(viewer, request.associationId) && request.bookerMemberId != null && viewer.memberId === request.bookerMemberId;
}

/** Who sees the request at all (title, category, location, status). */
export function canSeeRequest(viewer: Viewer | null, request: RequestFacts & AssignmentFacts): boolean {
  return (
    canListAll(viewer, request.associationId) ||
    isReporter(viewer, request) ||
    isAssignee(viewer, request) ||
    isShownToResident(viewer, request) ||
    isBooker(viewer, request)
  );
}

/** Linking a request to a booking, or unlinking it: the board only. */
export function canLinkBooking(viewer: Viewer | null, associationId: string): boolean {
  if (viewer?.support) return false;
  return isBoard(viewer, associationId);
}

/** Who reported it and the history: the reporter, the board, the assignee and an operator in a support session. */
export function canSeeRequestDetails(viewer: Viewer | null, request: RequestFacts & AssignmentFacts): boolean {
  return canListAll(viewer, request.associationId) || isReporter(viewer, request) || isAssignee(viewer, request);
}

/**
 * What the reporter may do to their own request: reopen it once resolved (the rules add the 14 days) and close it,
 * confirming the fix. They cannot reject or withdraw it: a fault reported stays in the building's history, and the
 * board rejects what needs no work (decision 0041).
 */
export function reporterMayMove(from: ServiceRequestStatus, to: ServiceRequestStatus): boolean {
  return from === 'resolved' && (to === 'in_progress' || to === 'closed');
}

/** Which statuses an assignee may move their request to: assignment's rule (decision 0042), none without it. */
export type AssigneeMayMoveTo = (to: ServiceRequestStatus) => boolean;
export const ASSIGNEES_MOVE_NOTHING: AssigneeMayMoveTo = () => false;

/**
 * Whether the viewer may move the request from `from` to `to` (where the workflow allows it; the rules decide that):
 * the board any change; the reporter reopening or closing; the assignee what assignment lets them. An operator in a
 * support session changes nothing, and neither does an integration.
 */
export function canChangeStatus(
  viewer: Viewer | null,
  request: RequestFacts & AssignmentFacts,
  from: ServiceRequestStatus,
  to: ServiceRequestStatus,
  assigneeMayMoveTo: AssigneeMayMoveTo = ASSIGNEES_MOVE_NOTHING,
): boolean {
  if (viewer?.support) return false;
  if (isBoard(viewer, request.associationId)) return true;
  if (isReporter(viewer, request) && reporterMayMove(from, to)) return true;
  return isAssignee(viewer, request) && assigneeMayMoveTo(to);
}

/** Showing a building's or common area's request to the residents ("already reported"): the board, or its reporter. */
export function canChangeVisibility(viewer: Viewer | null, request: RequestFacts): boolean {
  if (viewer?.support) return false;
  return isBoard(viewer, request.associationId) || isReporter(viewer, request);
}
