import { isMember, type MemberRole, type Viewer } from '@tunet/kit';
import { canSeeModeratedText } from '../moderation/moderation.access';
import type { ModerationState } from '../tables';

/** Who may do what with comments and reactions. Pure functions: no I/O, easy to test as a matrix. */

/** Comments belong to the post, so whoever may read the association's posts reads them, externals included. */
export function canReadComments(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId;
}

/**
 * The same allow-list as posting (posts.access): externals work for the association without belonging to it,
 * so they neither speak nor react on its board. A role added later cannot comment until decided.
 */
const ROLES_THAT_TAKE_PART: ReadonlySet<MemberRole> = new Set(['resident', 'board']);

export function canComment(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId && ROLES_THAT_TAKE_PART.has(viewer.role);
}

/**
 * `Post.viewerCanComment`: `addComment` would take a comment on the post. Not on a post moderation removed, which
 * the board still reads: the thread of a removed post is closed.
 */
export function canCommentOn(viewer: Viewer | null, post: { associationId: string; moderationState: ModerationState }): boolean {
  return canComment(viewer, post.associationId) && post.moderationState !== 'removed';
}

/** Reactions are a lighter form of taking part, so they follow commenting. */
export const canReact = canComment;

/**
 * Only the author rewrites their words, and only while still a member who may comment: the board may remove a
 * comment but never put words in someone's mouth.
 */
export function canEditComment(viewer: Viewer | null, comment: { associationId: string; authorMemberId: string }): boolean {
  return canComment(viewer, comment.associationId) && isMember(viewer) && viewer.memberId === comment.authorMemberId;
}

/**
 * The author may take back what they wrote. The board removes others' comments through moderation, as it does
 * posts, so the removal is logged with a reason and the author is told (moderation.service).
 */
export function canDeleteComment(viewer: Viewer | null, comment: { associationId: string; authorMemberId: string }): boolean {
  return canReadComments(viewer, comment.associationId) && isMember(viewer) && viewer.memberId === comment.authorMemberId;
}

/**
 * Whether a comment shows its text to the viewer, or only a placeholder: nobody reads a deleted one, and moderation
 * decides for hidden and removed ones (its author and the board still read a hidden one while it awaits review).
 */
export function canReadCommentText(
  viewer: Viewer | null,
  comment: { associationId: string; authorMemberId: string; deletedAt: Date | null; moderationState: ModerationState },
): boolean {
  return comment.deletedAt === null && canSeeModeratedText(viewer, comment);
}

type CommentFacts = { associationId: string; authorMemberId: string; parentId: string | null; deletedAt: Date | null; moderationState: ModerationState };

/**
 * `Comment.viewerCanEdit`: `editComment` would take new text. The author's own comment (`canEditComment`) while it
 * is neither deleted nor hidden or removed, since the board reviews a moderated comment's text as it was reported;
 * while the author's processing is `restricted` (asked once per request) only a comment already withheld, as
 * `editComment` refuses the others.
 */
export function canEditCommentNow(viewer: Viewer | null, comment: CommentFacts & { withheld: boolean }, restricted: boolean): boolean {
  return canEditComment(viewer, comment) && comment.deletedAt === null && comment.moderationState === 'visible' && (comment.withheld || !restricted);
}

/** `Comment.viewerCanDelete`: the author's own comment, not yet deleted (deleting again changes nothing). */
export function canDeleteCommentNow(viewer: Viewer | null, comment: CommentFacts): boolean {
  return canDeleteComment(viewer, comment) && comment.deletedAt === null;
}

/**
 * `Comment.viewerCanReply`: replies go one level deep, under a top-level comment that is neither deleted nor hidden
 * or removed by moderation (the checks `addComment` makes of `parentId`).
 */
export function canReplyTo(viewer: Viewer | null, comment: CommentFacts): boolean {
  return canComment(viewer, comment.associationId) && comment.parentId === null && comment.deletedAt === null && comment.moderationState === 'visible';
}
