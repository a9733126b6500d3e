import type { Resolvers } from '../__generated__/resolvers-types';

export const bookingLinksResolvers: Resolvers = {
  Mutation: {
    linkServiceRequestToBooking: (_parent, { input }, ctx) => ctx.bookingLinks.link(ctx, input),
    unlinkServiceRequestFromBooking: (_parent, { input }, ctx) => ctx.bookingLinks.unlink(ctx, input),
  },
  ServiceRequest: {
    booking: (row, _args, ctx) => ctx.bookingLinks.bookingOf(ctx.viewer, row),
  },
};
