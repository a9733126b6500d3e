import type { Resolvers } from '../__generated__/resolvers-types';

export const breachesResolvers: Resolvers = {
  Query: {
    dataBreaches: (_root, args, ctx) => ctx.breaches.list(ctx.viewer, args),
  },
  Mutation: {
    recordDataBreach: (_root, { input }, ctx) => ctx.breaches.record(ctx.viewer, input),
    notifyDataBreach: (_root, { input }, ctx) => ctx.breaches.notify(ctx.viewer, input),
    recordDataBreachAuthorityReport: (_root, { input }, ctx) => ctx.breaches.recordAuthorityReport(ctx.viewer, input),
  },
  Association: {
    dataBreachNotices: (association, args, ctx) => ctx.breaches.ofAssociation(ctx.viewer, association.id, args),
  },
};
