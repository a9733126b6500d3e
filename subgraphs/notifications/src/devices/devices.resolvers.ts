import type { Resolvers } from '../__generated__/resolvers-types';

/** The viewer's push devices and what clients need to register them. */
export const devicesResolvers: Resolvers = {
  Query: {
    pushDevices: (_root, _args, ctx) => ctx.devices.devices(ctx.viewer),
    pushConfiguration: (_root, _args, ctx) => ctx.devices.configuration(ctx.viewer),
  },
  Mutation: {
    registerWebPushSubscription: async (_root, { input }, ctx) => ({ device: await ctx.devices.registerWebPush(ctx.viewer, input) }),
    registerMobileDevice: async (_root, { input }, ctx) => ({ device: await ctx.devices.registerMobile(ctx.viewer, input) }),
    removePushDevice: async (_root, { input }, ctx) => ({ removedId: await ctx.devices.remove(ctx.viewer, input.id) }),
  },
};
