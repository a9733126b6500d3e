import type { Viewer } from '@tunet/kit';
import { isAssignee, isBoard, isReporter, type AssignmentFacts, type RequestFacts } from '../service-requests/service-requests.access';
import type { ServiceRequestStatus } from '../tables';

/**
 * Who may add and remove photos of a service request (decision 0041, addendum "photos"). Pure functions. Seeing the
 * photos follows seeing the request (canSeeRequest); an operator in a support session and an integration change none.
 */

/** The statuses in which the reporter still adds photos: until the request is resolved, closed or rejected. */
const OPEN: readonly ServiceRequestStatus[] = ['new', 'acknowledged', 'in_progress', 'waiting'];
/** The board and the assignee also document the work on a resolved request; a closed or rejected one is done. */
const WORKED_ON: readonly ServiceRequestStatus[] = [...OPEN, 'resolved'];

/** Whether the viewer is one who adds photos to the request at all: its reporter, the board or its assignee. */
export function mayAddPhotos(viewer: Viewer | null, request: RequestFacts & AssignmentFacts): boolean {
  if (viewer?.support || viewer?.integration) return false;
  return isBoard(viewer, request.associationId) || isAssignee(viewer, request) || isReporter(viewer, request);
}

/** Whether the request, in its status, still takes photos from this viewer (who mayAddPhotos). */
export function takesPhotosFrom(viewer: Viewer | null, request: RequestFacts & AssignmentFacts & { status: ServiceRequestStatus }): boolean {
  if (isBoard(viewer, request.associationId) || isAssignee(viewer, request)) return WORKED_ON.includes(request.status);
  return OPEN.includes(request.status);
}

/** The member who added a photo, or the board, removes it. */
export function canRemovePhoto(viewer: Viewer | null, request: RequestFacts, photo: { uploadedByMemberId: string }): boolean {
  if (viewer?.support || viewer?.integration) return false;
  return isBoard(viewer, request.associationId) || (viewer?.memberId === photo.uploadedByMemberId && viewer.associationId === request.associationId);
}
