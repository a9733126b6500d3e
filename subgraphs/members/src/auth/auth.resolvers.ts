import type { Resolvers } from '../__generated__/resolvers-types';

export const authResolvers: Resolvers = {
  Mutation: {
    login: (_root, { input }, ctx) => ctx.auth.login(input, ctx.clientIp),
    refreshSession: (_root, { input }, ctx) => ctx.auth.refresh(input),
    logout: async (_root, { input }, ctx) => ({ loggedOut: await ctx.auth.logout(input) }),
    changePassword: async (_root, { input }, ctx) => ({ endedSessions: await ctx.auth.changePassword(ctx.viewer, input, ctx.clientIp) }),
    requestEmailChange: (_root, { input }, ctx) => ctx.auth.requestEmailChange(ctx.viewer, input, ctx.clientIp),
    confirmEmailChange: async (_root, { input }, ctx) => ({ email: await ctx.auth.confirmEmailChange(input) }),
    setPasswordWithToken: async (_root, { input }, ctx) => ({ email: await ctx.auth.setPasswordWithToken(input, ctx.clientIp) }),
  },
};
