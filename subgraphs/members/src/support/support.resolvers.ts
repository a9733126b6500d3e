import type { Resolvers } from '../__generated__/resolvers-types';

const OPERATION_TYPE = { query: 'QUERY', mutation: 'MUTATION', subscription: 'SUBSCRIPTION' } as const;

export const supportResolvers: Resolvers = {
  Association: {
    supportAccess: (association, { first, after }, ctx) => ctx.support.sessions(ctx.viewer, association.id, first, after),
  },
  SupportSession: {
    entries: (session, { first, after }, ctx) => ctx.support.entries(ctx.viewer, session, first, after),
  },
  SupportAccessEntry: {
    operationType: (entry) => OPERATION_TYPE[entry.operationType],
  },
  Mutation: {
    openSupportSession: (_root, { input }, ctx) => ctx.support.open(ctx.viewer, input),
    closeSupportSession: async (_root, { input }, ctx) => ({ supportSession: await ctx.support.close(ctx.viewer, input) }),
  },
};
