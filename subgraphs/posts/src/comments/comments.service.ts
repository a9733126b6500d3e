import { randomUUID } from 'node:crypto';
import {
  admitMember,
  badUserInput,
  conflict,
  decodeCursor,
  forbidden,
  isMember,
  notFound,
  pageSize,
  parseInput,
  refuse,
  toPage,
  unauthenticated,
  type Page,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import type { ConductService } from '../conduct/conduct.service';
import type { PostsLoaders } from '../posts/posts.loaders';
import { processingRestricted } from '../posts/posts.service';
import { canComment, canCommentOn, canDeleteComment, canEditComment, canReact, canReadComments } from './comments.access';
import type { CommentsLoaders, ReactionCount } from './comments.loaders';
import { NO_RESTRICTIONS, type Restrictions } from '../privacy/restrictions';
import type { CommentListPosition, CommentRow, CommentsRepository, ReactionKind } from './comments.repository';

/** What the service needs of a request: who asks, and the request's loaders, which scope every read to them. */
export interface CommentsRequest {
  viewer: Viewer | null;
  loaders: PostsLoaders;
  commentLoaders: CommentsLoaders;
}

// Malformed ids need no check here: the loaders answer null for them, which becomes NOT_FOUND.
const body = z.string().trim().min(1).max(5_000);
const addCommentInput = z.object({ postId: z.string(), body, parentId: z.string().nullish() });
const editCommentInput = z.object({ commentId: z.string(), body });
const reactionInput = z.object({
  targetType: z.enum(['POST', 'COMMENT']),
  targetId: z.string(),
  reaction: z.enum(['LIKE', 'HEART', 'LAUGH', 'SAD', 'CELEBRATE']),
});

const cursorKey = z.tuple([z.iso.datetime(), z.guid()]);

export interface ReactionSummary {
  reactions: ReactionCount[];
  viewerReactions: ReactionKind[];
}

/** Business rules for comments, replies and reactions on the association's notice board. */
export class CommentsService {
  constructor(
    private readonly repository: CommentsRepository,
    /** Commenting requires having accepted the association's current code of conduct. */
    private readonly conduct: Pick<ConductService, 'requireAccepted'>,
    private readonly restrictions: Restrictions = NO_RESTRICTIONS,
  ) {}

  async comment(request: CommentsRequest, id: string): Promise<CommentRow> {
    if (!request.viewer) throw unauthenticated();
    const comment = await this.visibleComment(request, id);
    if (!comment) throw notFound('Comment');
    return comment;
  }

  /** A comment is seen only by those who see its post: a building-only post's comments stay in the building. */
  async visibleComment(request: CommentsRequest, id: string): Promise<CommentRow | null> {
    const comment = await request.commentLoaders.commentById.load(id);
    return comment && (await request.loaders.postById.load(comment.postId)) ? comment : null;
  }

  /** A post's top-level comments; the post itself was already loaded within the viewer's association. */
  async listComments(
    request: CommentsRequest,
    post: { associationId: string; id: string },
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<CommentRow>> {
    if (!canReadComments(request.viewer, post.associationId)) throw forbidden();
    const size = pageSize(first);
    const position = after ? positionAfter(after) : null;
    const viewerId = isMember(request.viewer) ? request.viewer.memberId : null;
    const rows = await this.repository.listTopLevel(post.associationId, post.id, size + 1, position, viewerId);
    return toPage(rows, size, (row) => [row.createdAt.toISOString(), row.id]);
  }

  /**
   * A top-level comment's replies, oldest first; a reply has none (one level deep). The first page comes from a
   * loader that reads every thread of the comments page at once; later pages read their one thread.
   */
  async listReplies(
    request: CommentsRequest,
    comment: CommentRow,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<CommentRow>> {
    const size = pageSize(first);
    const keyOf = (row: CommentRow) => [row.createdAt.toISOString(), row.id];
    if (comment.parentId) return toPage([], size, keyOf);
    const viewerId = isMember(request.viewer) ? request.viewer.memberId : null;
    const rows = after
      ? await this.repository.listReplies(comment.associationId, comment.id, size + 1, positionAfter(after), viewerId)
      : await request.commentLoaders.firstReplies(size + 1).load(comment.id);
    return toPage(rows, size, keyOf);
  }

  async addComment(request: CommentsRequest, rawInput: unknown): Promise<CommentRow> {
    const author = admitMember(request.viewer, canComment);
    const input = parseInput(addCommentInput, rawInput);
    await this.conduct.requireAccepted(author);
    const post = await request.loaders.postById.load(input.postId);
    if (!post) throw notFound('Post');
    if (!canCommentOn(author, post)) throw refuse('POST_REMOVED');
    if (input.parentId) await this.checkParent(request, input.parentId, post.id);
    // Written while the author's processing is restricted: the author's alone, and never announced.
    const withheld = await this.restrictions.isRestricted(author.associationId, author.memberId);
    return this.repository.insertComment(
      author.associationId,
      { id: randomUUID(), postId: post.id, parentId: input.parentId ?? null, authorMemberId: author.memberId, body: input.body, withheld },
      (row, participants) => ({
        topic: 'comment.created',
        payload: {
          postId: row.postId,
          commentId: row.id,
          authorMemberId: row.authorMemberId,
          recipients: [...new Set([post.authorMemberId, ...participants])].filter((id) => id !== row.authorMemberId),
        },
      }),
    );
  }

  async editComment(request: CommentsRequest, rawInput: unknown): Promise<CommentRow> {
    const editor = admitMember(request.viewer, canReadComments);
    const input = parseInput(editCommentInput, rawInput);
    const comment = await this.comment(request, input.commentId);
    if (!canEditComment(editor, comment)) throw forbidden('Only the author can edit a comment.');
    if (!comment.withheld && (await this.restrictions.isRestricted(editor.associationId, editor.memberId))) throw processingRestricted();
    if (comment.deletedAt) throw conflict('The comment was deleted.');
    // The board reviews the text that was reported, so it stays as it is until the board decides.
    if (comment.moderationState !== 'visible') throw conflict('The comment is hidden or removed by moderation.');
    const edited = await this.repository.editComment(editor.associationId, comment.id, input.body, randomUUID());
    // Deleted between the load and the edit.
    if (!edited) throw conflict('The comment was deleted.');
    return edited;
  }

  async deleteComment(request: CommentsRequest, commentId: string): Promise<CommentRow> {
    const deleter = admitMember(request.viewer, canReadComments);
    const comment = await this.comment(request, commentId);
    if (!canDeleteComment(deleter, comment)) {
      throw forbidden("Only the author can delete a comment; the board removes others' comments with moderateContent.");
    }
    const deleted = await this.repository.softDeleteComment(deleter.associationId, comment.id, deleter.memberId);
    if (!deleted) throw notFound('Comment');
    return deleted;
  }

  async react(request: CommentsRequest, rawInput: unknown): Promise<ReactionSummary> {
    return this.changeReaction(request, rawInput, (tenant, reaction) => this.repository.addReaction(tenant, reaction));
  }

  async unreact(request: CommentsRequest, rawInput: unknown): Promise<ReactionSummary> {
    return this.changeReaction(request, rawInput, (tenant, reaction) => this.repository.removeReaction(tenant, reaction));
  }

  private async changeReaction(
    request: CommentsRequest,
    rawInput: unknown,
    write: (tenant: string, reaction: Parameters<CommentsRepository['addReaction']>[1]) => Promise<void>,
  ): Promise<ReactionSummary> {
    const member = admitMember(request.viewer, canReact);
    const input = parseInput(reactionInput, rawInput);
    const target = await this.loadTarget(request, input.targetType, input.targetId);
    // A deleted or moderated comment is a placeholder: nothing left to react to.
    if (!target || ('deletedAt' in target && (target.deletedAt || target.moderationState !== 'visible')))
      throw notFound(input.targetType === 'POST' ? 'Post' : 'Comment');
    await write(member.associationId, { targetType: input.targetType, targetId: target.id, memberId: member.memberId, reaction: input.reaction });
    // Fresh loaders: the request's own may have cached the counts from before the write.
    const loaders = this.reactionLoadersAfterWrite(request, input.targetType);
    const [reactions, viewerReactions] = await Promise.all([loaders.counts.load(target.id), loaders.mine.load(target.id)]);
    return { reactions, viewerReactions };
  }

  private reactionLoadersAfterWrite(request: CommentsRequest, type: 'POST' | 'COMMENT') {
    const loaders = type === 'POST' ? request.commentLoaders.postReactions : request.commentLoaders.commentReactions;
    loaders.counts.clearAll();
    loaders.mine.clearAll();
    return loaders;
  }

  private loadTarget(request: CommentsRequest, type: 'POST' | 'COMMENT', id: string) {
    return type === 'POST' ? request.loaders.postById.load(id) : this.visibleComment(request, id);
  }

  /** One level of replies: the parent must be a live top-level comment on the same post. */
  private async checkParent(request: CommentsRequest, parentId: string, postId: string): Promise<void> {
    const parent = await request.commentLoaders.commentById.load(parentId);
    if (!parent || parent.postId !== postId) throw badUserInput('parentId', 'parentId: no such comment on this post.');
    if (parent.parentId) throw badUserInput('parentId', 'parentId: replies go one level deep; reply to the top-level comment.');
    if (parent.deletedAt) throw badUserInput('parentId', 'parentId: the comment was deleted.');
    if (parent.moderationState !== 'visible') throw badUserInput('parentId', 'parentId: the comment is hidden or removed by moderation.');
  }
}

function positionAfter(cursor: string): CommentListPosition {
  const [createdAt, id] = decodeCursor(cursor, cursorKey);
  return { createdAt: new Date(createdAt), id };
}
