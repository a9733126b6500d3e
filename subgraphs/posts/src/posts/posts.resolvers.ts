import { DateTimeResolver } from '@tunet/kit';
import type { Resolvers } from '../__generated__/resolvers-types';
import { audienceOf, toGraphQLAudience } from '../audiences/audiences';
import { canDeletePostNow, canEditPostNow, canPinPosts } from './posts.access';
import { excerptOf, imageFileIds, renderMarkdown } from './posts.markdown';

export const postsResolvers: Resolvers = {
  DateTime: DateTimeResolver,
  Query: {
    posts: (_root, { first, after, filter }, ctx) => ctx.posts.feed(ctx.viewer, first, after, filter),
    post: (_root, { id }, ctx) => ctx.posts.post(ctx.viewer, ctx.loaders, id),
    pinnedPosts: (_root, _args, ctx) => ctx.posts.pinnedPosts(ctx.viewer),
    scheduledPosts: (_root, { first, after }, ctx) => ctx.posts.scheduledPosts(ctx.viewer, first, after),
    unreadPostCount: (_root, _args, ctx) => ctx.posts.unreadPostCount(ctx.viewer),
  },
  Mutation: {
    createPost: async (_root, { input }, ctx) => ({ post: await ctx.posts.createPost(ctx.viewer, input) }),
    updatePost: async (_root, { input }, ctx) => ({ post: await ctx.posts.updatePost(ctx.viewer, ctx.loaders, input) }),
    deletePost: async (_root, { input }, ctx) => ({ post: await ctx.posts.deletePost(ctx.viewer, ctx.loaders, input.postId) }),
    pinPost: async (_root, { input }, ctx) => ({ post: await ctx.posts.setPinned(ctx.viewer, ctx.loaders, input.postId, true) }),
    unpinPost: async (_root, { input }, ctx) => ({ post: await ctx.posts.setPinned(ctx.viewer, ctx.loaders, input.postId, false) }),
    markPostRead: async (_root, { input }, ctx) => ({ post: await ctx.posts.markPostRead(ctx.viewer, ctx.loaders, input.postId) }),
  },
  Post: {
    __resolveReference: (ref, ctx) => ctx.loaders.postById.load(ref.id),
    // Rendered on every read, so a fix to the sanitiser protects every post at once.
    bodyHtml: async (post, _args, ctx) => renderMarkdown(post.body, await ctx.files.inlineImages(ctx, post.id, imageFileIds(post.body))),
    excerpt: (post) => excerptOf(post.body),
    audience: (post) => toGraphQLAudience(audienceOf(post)),
    // Only the reference: the gateway asks the members subgraph for the member's fields.
    author: (post) => ({ __typename: 'Member', id: post.authorMemberId }),
    viewerHasRead: (post, _args, ctx) => ctx.loaders.readByViewer.load(post.id),
    readCount: (post, _args, ctx) => ctx.posts.readCount(ctx.viewer, ctx.loaders, post),
    readers: (post, { first, after }, ctx) => ctx.posts.readers(ctx.viewer, post, first, after),
    // The rules updatePost, deletePost and pinPost refuse by, on the row already loaded: no query per post.
    viewerCanEdit: async (post, _args, ctx) => canEditPostNow(ctx.viewer, post, await ctx.posts.viewerRestricted(ctx.viewer, ctx.loaders)),
    viewerCanDelete: (post, _args, ctx) => canDeletePostNow(ctx.viewer, post),
    viewerCanPin: (post, _args, ctx) => canPinPosts(ctx.viewer, post.associationId),
  },
  PostReader: {
    member: (read) => ({ __typename: 'Member', id: read.memberId }),
  },
};
