import type { Resolvers } from '../__generated__/resolvers-types';

/** Reading and changing the viewer's notification preferences. */
export const preferencesResolvers: Resolvers = {
  Query: {
    notificationPreferences: (_root, _args, ctx) => ctx.preferences.preferences(ctx.viewer, ctx),
  },
  Mutation: {
    updateNotificationPreferences: async (_root, { input }, ctx) => ({ preferences: await ctx.preferences.update(ctx.viewer, input, ctx) }),
  },
};
