import type { Resolvers } from '../__generated__/resolvers-types';

export const invoicesResolvers: Resolvers = {
  Mutation: {
    markInvoicePaid: async (_root, { input }, ctx) => ({ invoice: await ctx.invoices.markPaid(ctx.viewer, input) }),
  },
  Association: {
    invoices: (association, args, ctx) => ctx.invoices.list(ctx.viewer, association.id, args),
  },
  Invoice: {
    feature: (invoice, _args, ctx) => ctx.invoices.feature(invoice.feature),
    overdue: (invoice, _args, ctx) => ctx.invoices.isOverdue(invoice),
    status: (invoice, _args, ctx) => ctx.invoices.statusOf(invoice),
    paymentNote: (invoice) => invoice.markedPaidNote,
  },
};
