import type { Viewer } from '@tunet/kit';
import { isBoardOf, isPersonIn } from '../settings/settings.access';

/**
 * Who may ask for a member's export or erasure in the viewer's association (docs/decisions/0036): the person for
 * themself, or the board on a member's behalf. Residents for anyone else, integrations and operators: no (the
 * association is the controller, and its board answers for it).
 */
export const canRequestFor = (viewer: Viewer | null, associationId: string, memberId: string): boolean =>
  isPersonIn(viewer, associationId) && (viewer!.memberId === memberId || isBoardOf(viewer, associationId));

/** The board's list of requests and its extensions: the board only. */
export const canManageRequests = (viewer: Viewer | null, associationId: string): boolean => isBoardOf(viewer, associationId);

/** A request is seen by its board and by the person it is about (or who asked for it). */
export const canSeeRequest = (viewer: Viewer | null, request: { associationId: string; subjectMemberId: string; requestedBy: string | null }): boolean =>
  isBoardOf(viewer, request.associationId) ||
  (isPersonIn(viewer, request.associationId) && (viewer!.memberId === request.subjectMemberId || viewer!.memberId === request.requestedBy));
