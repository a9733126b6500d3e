import type { Resolvers } from '../__generated__/resolvers-types';
import { canCommentOn, canDeleteCommentNow, canEditCommentNow, canReadCommentText, canReplyTo } from './comments.access';

export const commentsResolvers: Resolvers = {
  Query: {
    comment: (_root, { id }, ctx) => ctx.comments.comment(ctx, id),
  },
  Mutation: {
    addComment: async (_root, { input }, ctx) => ({ comment: await ctx.comments.addComment(ctx, input) }),
    editComment: async (_root, { input }, ctx) => ({ comment: await ctx.comments.editComment(ctx, input) }),
    deleteComment: async (_root, { input: { commentId } }, ctx) => ({ comment: await ctx.comments.deleteComment(ctx, commentId) }),
    react: (_root, { input }, ctx) => ctx.comments.react(ctx, input),
    unreact: (_root, { input }, ctx) => ctx.comments.unreact(ctx, input),
  },
  Post: {
    comments: (post, { first, after }, ctx) => ctx.comments.listComments(ctx, post, first, after),
    commentCount: (post, _args, ctx) => ctx.commentLoaders.commentCountByPost.load(post.id),
    reactions: (post, _args, ctx) => ctx.commentLoaders.postReactions.counts.load(post.id),
    viewerReactions: (post, _args, ctx) => ctx.commentLoaders.postReactions.mine.load(post.id),
    // addComment's rule; the post is one the viewer sees, or it would not have loaded.
    viewerCanComment: (post, _args, ctx) => canCommentOn(ctx.viewer, post),
  },
  Comment: {
    __resolveReference: (ref, ctx) => ctx.comments.visibleComment(ctx, ref.id),
    // The post loaded within the viewer's association; a comment is only ever loaded there too.
    post: async (comment, _args, ctx) => (await ctx.loaders.postById.load(comment.postId))!,
    // Only the reference: the gateway asks the members subgraph for the member's fields.
    author: (comment) => ({ __typename: 'Member', id: comment.authorMemberId }),
    parent: (comment, _args, ctx) => (comment.parentId ? ctx.commentLoaders.commentById.load(comment.parentId) : null),
    replies: (comment, { first, after }, ctx) => ctx.comments.listReplies(ctx, comment, first, after),
    // Deleted comments keep their row until the retention job, but no read shows what they said; moderated ones
    // show as placeholders to everyone but those moderation lets read them.
    body: (comment, _args, ctx) => (canReadCommentText(ctx.viewer, comment) ? comment.body : null),
    deleted: (comment) => comment.deletedAt !== null,
    edits: (comment, _args, ctx) => (canReadCommentText(ctx.viewer, comment) ? ctx.commentLoaders.editsByComment.load(comment.id) : []),
    reactions: (comment, _args, ctx) => ctx.commentLoaders.commentReactions.counts.load(comment.id),
    viewerReactions: (comment, _args, ctx) => ctx.commentLoaders.commentReactions.mine.load(comment.id),
    // The rules editComment, deleteComment and addComment's parentId check refuse by, on the row already loaded.
    viewerCanEdit: async (comment, _args, ctx) => canEditCommentNow(ctx.viewer, comment, await ctx.posts.viewerRestricted(ctx.viewer, ctx.loaders)),
    viewerCanDelete: (comment, _args, ctx) => canDeleteCommentNow(ctx.viewer, comment),
    viewerCanReply: (comment, _args, ctx) => canReplyTo(ctx.viewer, comment),
  },
};
