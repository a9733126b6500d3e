import type { Resolvers } from '../__generated__/resolvers-types';

export const catalogueResolvers: Resolvers = {
  Query: {
    features: (_root, _args, ctx) => ctx.catalogue.features(ctx.viewer),
  },
  Feature: {
    name: (feature) => ({ nb: feature.nameNb, en: feature.nameEn }),
    description: (feature) => ({ nb: feature.descriptionNb, en: feature.descriptionEn }),
    withdrawnOn: (feature, _args, ctx) => ctx.features.withdrawnOn(feature.key),
  },
};
