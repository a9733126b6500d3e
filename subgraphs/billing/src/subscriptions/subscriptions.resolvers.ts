import type { Resolvers } from '../__generated__/resolvers-types';

export const subscriptionsResolvers: Resolvers = {
  Mutation: {
    enableFeature: (_root, { input }, ctx) => ctx.subscriptions.enableFeature(ctx.viewer, input),
    disableFeature: (_root, { input }, ctx) => ctx.subscriptions.disableFeature(ctx.viewer, input),
    subscribeToFeature: (_root, { input }, ctx) => ctx.subscriptions.subscribeToFeature(ctx.viewer, input),
    cancelSubscription: (_root, { input }, ctx) => ctx.subscriptions.cancelSubscription(ctx.viewer, input),
    announceFeatureWithdrawal: async (_root, { input }, ctx) => ({ withdrawal: await ctx.withdrawals.announce(ctx.viewer, input) }),
  },
  Association: {
    __resolveReference: (reference) => ({ id: reference.id }),
    entitlements: async (association, _args, ctx) => {
      const entitlements = await ctx.associationEntitlements.forViewer(ctx.viewer, association.id);
      return { features: entitlements.features, limits: Object.entries(entitlements.limits).map(([key, value]) => ({ key, value })) };
    },
    subscriptions: (association, _args, ctx) => ctx.subscriptions.list(ctx.viewer, association.id),
    billingAudit: (association, args, ctx) => ctx.audit.page(ctx.viewer, association.id, args),
  },
  FeatureSubscription: {
    feature: (subscription, _args, ctx) => ctx.features.byKey(subscription.feature),
  },
  FeatureWithdrawal: {
    feature: (withdrawal, _args, ctx) => ctx.features.byKey(withdrawal.feature),
  },
};
