import type { Resolvers } from '../__generated__/resolvers-types';

export const calendarResolvers: Resolvers = {
  Query: {
    myBookingsCalendar: (_root, _args, ctx) => ctx.calendar.myBookingsCalendar(ctx.viewer, ctx.publicOrigin),
    resourceCalendar: (_root, args, ctx) => ctx.calendar.resourceCalendar(ctx.viewer, args.resourceId, ctx.publicOrigin),
  },
  Mutation: {
    resetBookingsCalendar: async (_root, args, ctx) => ({
      feed: await ctx.calendar.resetBookingsCalendar(ctx.viewer, args.input, ctx.publicOrigin),
    }),
  },
};
