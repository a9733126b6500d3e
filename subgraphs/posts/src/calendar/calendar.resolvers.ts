import type { Resolvers } from '../__generated__/resolvers-types';

export const calendarResolvers: Resolvers = {
  Query: {
    calendarFeed: (_root, _args, ctx) => ctx.calendar.calendarFeed(ctx.viewer, ctx.publicOrigin),
  },
  Mutation: {
    resetCalendarFeed: async (_root, _args, ctx) => ({ feed: await ctx.calendar.resetCalendarFeed(ctx.viewer, ctx.publicOrigin) }),
  },
};
