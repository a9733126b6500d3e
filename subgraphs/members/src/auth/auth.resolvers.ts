import type { AssociationStatus, MemberRole, Resolvers } from '../__generated__/resolvers-types';

const upper = <T extends string>(value: string) => value.toUpperCase() as T;

export const authResolvers: Resolvers = {
  Query: {
    myMemberships: async (_root, _args, ctx) =>
      (await ctx.auth.myMemberships(ctx.viewer)).map((membership) => ({
        associationId: membership.associationId,
        associationName: membership.associationName,
        memberId: membership.memberId,
        roles: membership.roles.map((role) => upper<MemberRole>(role)),
        associationStatus: upper<AssociationStatus>(membership.associationStatus),
        suspended: membership.suspension !== null,
        canEnter: membership.associationStatus === 'active' && membership.suspension === null,
        current: membership.associationId === ctx.viewer?.associationId,
      })),
  },
  Mutation: {
    login: (_root, { input }, ctx) => ctx.auth.login(input, ctx.clientIp),
    refreshSession: (_root, { input }, ctx) => ctx.auth.refresh(input),
    logout: async (_root, { input }, ctx) => ({ loggedOut: await ctx.auth.logout(input) }),
    changePassword: async (_root, { input }, ctx) => ({ endedSessions: await ctx.auth.changePassword(ctx.viewer, input, ctx.clientIp) }),
    requestEmailChange: (_root, { input }, ctx) => ctx.auth.requestEmailChange(ctx.viewer, input, ctx.clientIp),
    confirmEmailChange: async (_root, { input }, ctx) => ({ email: await ctx.auth.confirmEmailChange(input) }),
    setPasswordWithToken: async (_root, { input }, ctx) => ({ email: await ctx.auth.setPasswordWithToken(input, ctx.clientIp) }),
    requestPasswordReset: (_root, { input }, ctx) => ctx.auth.requestPasswordReset(input, ctx.clientIp),
    resetPassword: (_root, { input }, ctx) => ctx.auth.resetPassword(input, ctx.clientIp),
    switchAssociation: (_root, { input }, ctx) => ctx.auth.switchAssociation(ctx.viewer, input),
  },
};
