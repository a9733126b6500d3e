import type { AssociationStatus, BlockGround, Resolvers, TerminationInitiator } from '../__generated__/resolvers-types';

const upper = <T extends string>(value: string) => value.toUpperCase() as T;

export const agreementsResolvers: Resolvers = {
  Association: {
    agreement: (association, _args, ctx) => ctx.agreements.agreement(ctx.viewer, association.id),
  },
  Mutation: {
    terminateAgreement: async (_root, { input }, ctx) => ({ termination: await ctx.agreements.terminate(ctx.viewer, input) }),
    withdrawTermination: async (_root, { input }, ctx) => ({ termination: await ctx.agreements.withdraw(ctx.viewer, input) }),
    noticeBreach: async (_root, { input }, ctx) => ({ breachNotice: await ctx.agreements.noticeBreach(ctx.viewer, input) }),
    blockAssociation: async (_root, { input }, ctx) => ({ association: await ctx.agreements.block(ctx.viewer, input) }),
    unblockAssociation: async (_root, { input }, ctx) => ({ association: await ctx.agreements.unblock(ctx.viewer, input) }),
  },
  Agreement: {
    status: (agreement) => upper<AssociationStatus>(agreement.association.status),
    blockedSince: (agreement) => agreement.association.blockedAt,
    blockGround: (agreement) => (agreement.association.blockedGround ? upper<BlockGround>(agreement.association.blockedGround) : null),
    blockedReason: (agreement) => agreement.association.blockedReason,
    earliestProviderEnd: (agreement, _args, ctx) => ctx.agreements.earliestProviderEnd(agreement.association.timeZone),
  },
  Termination: {
    initiatedBy: (termination) => upper<TerminationInitiator>(termination.initiatedBy),
  },
};
