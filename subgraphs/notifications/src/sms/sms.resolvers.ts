import type { Resolvers } from '../__generated__/resolvers-types';

/** The board's view of the month's SMS quota. */
export const smsResolvers: Resolvers = {
  Query: {
    smsUsage: (_root, _args, ctx) => ctx.smsUsage.usage(ctx.viewer, ctx),
  },
};
