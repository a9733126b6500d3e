import { isMember, type MemberRole, type Viewer } from '@tunet/kit';
import { audienceOf, isInAudience, type Audience, type ViewerAudiences } from '../audiences/audiences';
import type { AudienceKind, ModerationState, PostKind } from '../tables';

/** Who may do what with posts. Pure functions: no I/O, easy to test as a matrix. */

/** What the rules need to know about a post. */
export interface PostFacts {
  associationId: string;
  authorMemberId: string;
  audienceKind: AudienceKind;
  audienceId: string | null;
  moderationState: ModerationState;
  publishedAt: Date;
  /** Written while the author's processing was restricted: the author's alone. */
  withheld: boolean;
}

/**
 * Posts are the association's own notice board, so every member reads them, externals included: the caretaker
 * needs to know about the dugnad and the water shut-off as much as residents do. Platform admins without a
 * membership may not: running Tunet gives no right to read what neighbours write to each other.
 */
export function canReadPosts(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId;
}

/**
 * Externals work for the association without belonging to it, so they may not speak on its board; what they
 * need to announce goes through the board. An allow-list, so a role added later cannot post until decided.
 */
const ROLES_THAT_POST: ReadonlySet<MemberRole> = new Set(['resident', 'board']);

export function canCreatePost(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId && ROLES_THAT_POST.has(viewer.role);
}

/** News speaks in the association's name, so only the board writes it; bulletins and articles are everyone's. */
const KINDS_BY_ROLE: Record<MemberRole, ReadonlySet<PostKind>> = {
  board: new Set(['news', 'bulletin', 'article']),
  resident: new Set(['bulletin', 'article']),
  external: new Set(),
};

export function canPostKind(viewer: Viewer | null, associationId: string, kind: PostKind): boolean {
  return canCreatePost(viewer, associationId) && isMember(viewer) && KINDS_BY_ROLE[viewer.role].has(kind);
}

/**
 * A member speaks only to audiences they belong to, so a resident cannot post into another building's stairwell
 * or a group they left. The board may address anyone; the board-only audience is the board's own.
 */
export function canPostTo(audiences: ViewerAudiences, audience: Audience): boolean {
  return isInAudience(audience, audiences);
}

/**
 * Important notices cannot be opted out of by anyone, so only the board may raise one; otherwise any resident
 * could reach every phone in the association.
 */
export function canMarkImportant(viewer: Viewer | null, associationId: string): boolean {
  return canCreatePost(viewer, associationId) && isMember(viewer) && viewer.role === 'board';
}

/**
 * Whether the viewer may see the post at `now`. Besides the association and the audience: a scheduled post is
 * its author's and the board's until its time; a hidden one (pending review) its author's and the board's; a
 * removed one the board's alone, which answers for what was removed. The author keeps seeing their own post even
 * after leaving its audience (a move to another building), because they wrote it.
 */
export function canSeePost(viewer: Viewer | null, audiences: ViewerAudiences | null, post: PostFacts, now: Date): boolean {
  if (!audiences || !canReadPosts(viewer, post.associationId)) return false;
  const isAuthor = audiences.memberId === post.authorMemberId;
  if (post.withheld && !isAuthor) return false;
  if (audiences.board) return true;
  if (post.moderationState === 'removed') return false;
  if (post.moderationState === 'hidden' && !isAuthor) return false;
  if (post.publishedAt > now && !isAuthor) return false;
  return isAuthor || isInAudience(audienceOf(post), audiences);
}

/** Only the author changes their words, and only while still a member who may post: the board may remove a post but never rewrite it. */
export function canUpdatePost(viewer: Viewer | null, post: PostFacts): boolean {
  return canCreatePost(viewer, post.associationId) && isMember(viewer) && viewer.memberId === post.authorMemberId;
}

/**
 * The author may take back what they wrote. The board removes others' posts through moderation instead, so the
 * removal is logged with a reason and the author is told (moderation.service).
 */
export function canDeletePost(viewer: Viewer | null, post: PostFacts): boolean {
  return canReadPosts(viewer, post.associationId) && isMember(viewer) && viewer.memberId === post.authorMemberId;
}

/** Pinning decides what everyone sees first, so it is the board's. */
export function canPinPosts(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId && viewer.role === 'board';
}

/**
 * Who has read a post is about neighbours' habits, so only those who need the reach see it: the board, which
 * must know whether an important notice got through, and the author of the post.
 */
export function canSeeReach(viewer: Viewer | null, post: PostFacts): boolean {
  if (!canReadPosts(viewer, post.associationId) || !isMember(viewer)) return false;
  return viewer.role === 'board' || viewer.memberId === post.authorMemberId;
}

/**
 * `Post.viewerCanEdit`: `updatePost` would take a change. The author's own post (`canUpdatePost`) while moderation
 * leaves it visible, since the board reviews a hidden post's text as it was reported; while the author's processing
 * is `restricted` (asked once per request) only a post already withheld, as `updatePost` refuses the others.
 */
export function canEditPostNow(viewer: Viewer | null, post: PostFacts, restricted: boolean): boolean {
  return canUpdatePost(viewer, post) && post.moderationState === 'visible' && (post.withheld || !restricted);
}

/** `Post.viewerCanDelete`: `deletePost` would remove the post: the author's own, not already removed. */
export function canDeletePostNow(viewer: Viewer | null, post: PostFacts): boolean {
  return canDeletePost(viewer, post) && post.moderationState !== 'removed';
}
