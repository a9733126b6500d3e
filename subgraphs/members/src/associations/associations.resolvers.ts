import type { Resolvers } from '../__generated__/resolvers-types';

/** The operators' administration of associations; thin: the service decides. */
export const associationsResolvers: Resolvers = {
  Query: {
    associations: (_root, args, ctx) => ctx.associations.list(ctx.viewer, args),
  },
  Mutation: {
    createAssociation: async (_root, { input }, ctx) => {
      const created = await ctx.associations.create(ctx.viewer, input);
      // The operator belongs to no association, so the tenant loader would not find the member just invited.
      ctx.loaders.memberById.prime(created.firstBoardMember.id, created.firstBoardMember);
      return created;
    },
  },
  Association: {
    createdAt: (association) => association.createdAt,
  },
};
