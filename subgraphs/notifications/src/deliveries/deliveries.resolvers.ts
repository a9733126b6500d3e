import type { Resolvers } from '../__generated__/resolvers-types';

/** The failed-delivery lists and the Delivery type. */
export const deliveriesResolvers: Resolvers = {
  Query: {
    myFailedDeliveries: (_root, args, ctx) => ctx.deliveries.myFailedDeliveries(ctx.viewer, args),
    failedDeliveries: (_root, args, ctx) => ctx.deliveries.failedDeliveries(ctx.viewer, args),
  },
  Delivery: {
    // Holds and the next attempt describe a delivery still waiting; once sent or given up they say nothing.
    heldFor: (delivery) => (delivery.status === 'queued' ? delivery.heldFor : null),
    nextAttemptAt: (delivery) => (delivery.status === 'queued' ? delivery.nextAttemptAt : null),
    notification: (delivery, _args, ctx) => ctx.deliveries.notificationOf(ctx.inboxLoaders, delivery),
    recipient: async (delivery, _args, ctx) => {
      const { memberId } = await ctx.deliveries.notificationOf(ctx.inboxLoaders, delivery);
      // Only the reference: the gateway asks the members subgraph for the member's fields.
      return memberId ? { __typename: 'Member', id: memberId } : null;
    },
  },
};
