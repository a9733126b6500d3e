import type { Resolvers } from '../__generated__/resolvers-types';
import { isRequestOverdue } from './deadlines.rules';

/** Deadlines' fields (decision 0043): thin, the service decides who may do what. */
export const deadlinesResolvers: Resolvers = {
  Query: {
    serviceRequestDeadlines: (_parent, _args, ctx) => ctx.deadlines.list(ctx),
  },
  Mutation: {
    setServiceRequestDeadline: (_parent, { input }, ctx) => ctx.deadlines.set(ctx, input),
  },
  ServiceRequest: {
    overdue: (row, _args, ctx) => isRequestOverdue(row, ctx.deadlines.clock()),
  },
};
