import { isMember, type MemberRole, type Viewer } from '@tunet/kit';
import type { ModerationState } from '../tables';

/** Who may do what in moderation. Pure functions: no I/O, easy to test as a matrix. */

/**
 * Those who take part on the board report what breaks its rules, as they may post and comment (posts.access).
 * Externals and integrations do not take part, so they do not report either.
 */
const ROLES_THAT_REPORT: ReadonlySet<MemberRole> = new Set(['resident', 'board']);

export function canReport(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId && ROLES_THAT_REPORT.has(viewer.role);
}

/** The board reviews reports, decides, and sets the association's moderation rules. */
export function canModerate(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId && viewer.role === 'board';
}

/**
 * What moderation did to content, and why, is between its author and the board: other members see only that it
 * is gone.
 */
export function canSeeModeration(viewer: Viewer | null, content: { associationId: string; authorMemberId: string }): boolean {
  if (!isMember(viewer) || viewer.associationId !== content.associationId) return false;
  return viewer.role === 'board' || viewer.memberId === content.authorMemberId;
}

/**
 * Whether moderation lets the viewer see the text: visible content to whoever may read it, hidden content only to
 * its author and the board while it awaits review, removed content to nobody.
 */
export function canSeeModeratedText(
  viewer: Viewer | null,
  content: { associationId: string; authorMemberId: string; moderationState: ModerationState },
): boolean {
  if (content.moderationState === 'visible') return true;
  return content.moderationState === 'hidden' && canSeeModeration(viewer, content);
}
