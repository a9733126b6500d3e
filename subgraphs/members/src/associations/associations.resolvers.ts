import type { Resolvers } from '../__generated__/resolvers-types';

/** The operators' administration of associations; thin: the service decides. */
export const associationsResolvers: Resolvers = {
  Query: {
    associations: (_root, args, ctx) => ctx.associations.list(ctx.viewer, args),
  },
  Mutation: {
    createAssociation: (_root, { input }, ctx) => ctx.associations.create(ctx.viewer, input),
  },
  Association: {
    createdAt: (association) => association.createdAt,
  },
};
