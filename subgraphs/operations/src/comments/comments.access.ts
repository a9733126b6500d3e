import { isMember, operatesIn, type Viewer } from '@tunet/kit';
import { holdsAssigneeRole } from '../service-requests/service-requests.access';
import type { CommentVisibility } from '../tables';

/**
 * Who sees and writes which comments on a service request (docs/decisions/0042). Pure functions: no I/O.
 * A PUBLIC comment is between the reporter, the board and the assignee; an INTERNAL one is the board's and the
 * assignee's alone and never reaches the reporter (nor residents shown the request as "already reported").
 */

/** The request as the comment rules look at it. */
export interface Discussed {
  associationId: string;
  reporterMemberId: string;
  assigneeMemberId: string | null;
}

function memberOf(viewer: Viewer | null, associationId: string): viewer is Viewer & { memberId: string } {
  return isMember(viewer) && viewer.associationId === associationId;
}

function isBoard(viewer: Viewer | null, request: Discussed): boolean {
  return memberOf(viewer, request.associationId) && viewer.role === 'board';
}

function isAssignee(viewer: Viewer | null, request: Discussed): boolean {
  return memberOf(viewer, request.associationId) && holdsAssigneeRole(viewer) && request.assigneeMemberId === viewer.memberId;
}

function isReporter(viewer: Viewer | null, request: Discussed): boolean {
  return memberOf(viewer, request.associationId) && request.reporterMemberId === viewer.memberId;
}

/** Those who handle the request: the board and its assignee. */
export function handles(viewer: Viewer | null, request: Discussed): boolean {
  return isBoard(viewer, request) || isAssignee(viewer, request);
}

/**
 * Which comments the viewer reads: the reporter the public ones; the board and the assignee all; an operator in a
 * support session all (to help the board, logged where the board sees it); everyone else none. A reporter who is on
 * the board reads internal comments as a board member.
 */
export function visibleCommentKinds(viewer: Viewer | null, request: Discussed): readonly CommentVisibility[] {
  if (handles(viewer, request) || operatesIn(viewer, request.associationId)) return ['public', 'internal'];
  if (isReporter(viewer, request)) return ['public'];
  return [];
}

export function canReadComment(viewer: Viewer | null, request: Discussed, visibility: CommentVisibility): boolean {
  return visibleCommentKinds(viewer, request).includes(visibility);
}

/**
 * Who writes: the reporter public comments (they answer the board's questions), the board and the assignee either
 * kind. An operator writes nothing: a support session helps, it does not speak for the board.
 */
export function canComment(viewer: Viewer | null, request: Discussed, visibility: CommentVisibility): boolean {
  if (viewer?.support) return false;
  if (handles(viewer, request)) return true;
  return visibility === 'public' && isReporter(viewer, request);
}
