import type { Resolvers } from '../__generated__/resolvers-types';

export const statisticsResolvers: Resolvers = {
  Association: {
    usageStatistics: (association, args, ctx) => ctx.statistics.forAssociation(ctx.viewer, association.id, args.month),
  },
  Query: {
    platformUsageStatistics: (_root, args, ctx) => ctx.statistics.forPlatform(ctx.viewer, args.month),
  },
};
