import type { Resolvers } from '../__generated__/resolvers-types';

export const settingsResolvers: Resolvers = {
  Mutation: {
    updatePrivacySettings: (_parent, { input }, ctx) => ctx.settings.update(ctx.viewer, input),
  },
  Association: {
    __resolveReference: (reference) => ({ id: reference.id }),
    privacySettings: (association, _args, ctx) => ctx.settings.forViewer(ctx.viewer, association.id),
  },
};
