import { requestFieldLoaders } from '../request-fields.loaders';
import type { Resolvers } from '../__generated__/resolvers-types';

export const ratingsResolvers: Resolvers = {
  Mutation: {
    rateServiceRequest: (_parent, { input }, ctx) => ctx.ratings.rate(ctx, input),
  },
  ServiceRequest: {
    rating: (row, _args, ctx) => ctx.ratings.of(ctx.viewer, row, requestFieldLoaders(ctx)),
  },
  ServiceRequestRating: {
    ratedAt: (rating) => rating.createdAt,
  },
};
