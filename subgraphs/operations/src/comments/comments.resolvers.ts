import { requestFieldLoaders } from '../request-fields.loaders';
import type { Resolvers } from '../__generated__/resolvers-types';

export const commentsResolvers: Resolvers = {
  Mutation: {
    commentOnServiceRequest: (_parent, { input }, ctx) => ctx.comments.add(ctx, input),
  },
  ServiceRequest: {
    comments: (row, args, ctx) => ctx.comments.list(ctx.viewer, row, args, requestFieldLoaders(ctx)),
  },
  ServiceRequestComment: {
    author: (comment) => ({ id: comment.authorMemberId }),
  },
};
