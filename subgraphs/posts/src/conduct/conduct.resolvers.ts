import type { Resolvers } from '../__generated__/resolvers-types';

export const conductResolvers: Resolvers = {
  Query: {
    codeOfConduct: (_root, _args, ctx) => ctx.conduct.current(ctx.viewer),
  },
  Mutation: {
    publishCodeOfConduct: async (_root, { input }, ctx) => ({ codeOfConduct: await ctx.conduct.publish(ctx.viewer, input) }),
    acceptCodeOfConduct: async (_root, { input }, ctx) => ({ codeOfConduct: await ctx.conduct.accept(ctx.viewer, input) }),
  },
};
