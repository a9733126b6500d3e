import { DateTimeResolver } from '@tunet/kit';
import type { Resolvers } from '../__generated__/resolvers-types';

export const postsResolvers: Resolvers = {
  DateTime: DateTimeResolver,
  Query: {
    posts: (_root, { first, after }, ctx) => ctx.posts.listPosts(ctx.viewer, first, after),
    post: (_root, { id }, ctx) => ctx.posts.post(ctx.viewer, ctx.loaders, id),
  },
  Mutation: {
    createPost: async (_root, { input }, ctx) => ({ post: await ctx.posts.createPost(ctx.viewer, input) }),
  },
  Post: {
    __resolveReference: (ref, ctx) => ctx.loaders.postById.load(ref.id),
    // Only the reference: the gateway asks the members subgraph for the member's fields.
    author: (post) => ({ __typename: 'Member', id: post.authorMemberId }),
  },
};
