import { badUserInput, isMember, type Viewer } from '@tunet/kit';
import type { ServiceRequestStatus } from '../tables';

/** The reporter's rating of the work once it is done (docs/decisions/0042). Pure functions: no I/O. */

export const RATING_COMMENT_MAX = 2000;

/** The request as rating looks at it. */
export interface Rated {
  associationId: string;
  reporterMemberId: string;
  status: ServiceRequestStatus;
}

/** Only the work that was done is rated: a resolved request, or one closed after its resolution. */
const RATEABLE: ReadonlySet<ServiceRequestStatus> = new Set(['resolved', 'closed']);

/** The reporter rates, nobody else: the board does not rate its own work, and the caretaker not theirs. */
export function canRate(viewer: Viewer | null, request: Rated): boolean {
  return isMember(viewer) && viewer.associationId === request.associationId && viewer.memberId === request.reporterMemberId;
}

export function isRateable(status: ServiceRequestStatus): boolean {
  return RATEABLE.has(status);
}

/** A whole score 1–5 and an optional comment of at most RATING_COMMENT_MAX characters; blank means none. */
export function checkRating(input: { score: number; comment?: string | null }): { score: number; comment: string | null } {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) throw badUserInput('score', 'score: a whole number from 1 to 5.');
  const comment = input.comment?.trim() || null;
  if (comment !== null && comment.length > RATING_COMMENT_MAX) {
    throw badUserInput('comment', `comment: at most ${RATING_COMMENT_MAX} characters.`);
  }
  return { score: input.score, comment };
}
