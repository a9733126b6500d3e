import type { Resolvers } from '../__generated__/resolvers-types';

export const settingsResolvers: Resolvers = {
  Association: {
    __resolveReference: (reference) => ({ id: reference.id }),
    privacySettings: (association, _args, ctx) => ctx.settings.forViewer(ctx.viewer, association.id),
  },
};
