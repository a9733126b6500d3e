import type { CommitteeKind, CommitteeRole, Resolvers } from '../__generated__/resolvers-types';

export const committeesResolvers: Resolvers = {
  Mutation: {
    createCommittee: async (_root, { input }, ctx) => ({ committee: await ctx.committees.createCommittee(ctx.viewer, input) }),
    appointToCommittee: async (_root, { input }, ctx) => ({ term: await ctx.committees.appoint(ctx.viewer, ctx.loaders, input) }),
    endCommitteeTerm: async (_root, { input }, ctx) => ({ term: await ctx.committees.endTerm(ctx.viewer, input) }),
  },
  Committee: {
    kind: (committee) => committee.kind.toUpperCase() as CommitteeKind,
    terms: async (committee, { activeOnly }, ctx) => {
      const terms = await ctx.loaders.termsByCommittee.load(committee.id);
      return activeOnly === false ? terms : terms.filter((t) => t.active);
    },
  },
  CommitteeTerm: {
    committee: async (term, _args, ctx) => (await ctx.loaders.committeeById.load(term.committeeId))!,
    member: async (term, _args, ctx) => (await ctx.loaders.memberById.load(term.memberId))!,
    role: (term) => term.role.toUpperCase() as CommitteeRole,
  },
};
