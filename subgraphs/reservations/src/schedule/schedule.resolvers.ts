import type { Resolvers } from '../__generated__/resolvers-types';

export const scheduleResolvers: Resolvers = {
  Query: {
    availability: (_root, args, ctx) => ctx.schedule.availability(ctx.viewer, args),
  },
  Availability: {
    slots: (view) => view.grid(),
  },
  AvailabilitySlot: {
    booking: (slot, _args, ctx) => (slot.bookingId ? ctx.bookingLoaders.bookingById.load(slot.bookingId) : null),
  },
};
