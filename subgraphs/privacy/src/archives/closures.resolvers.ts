import type { Resolvers } from '../__generated__/resolvers-types';
import { MAX_FAILED_ATTEMPTS } from './closure-links.rules';

export const closuresResolvers: Resolvers = {
  Query: {
    associationClosure: (_root, args, ctx) => ctx.closureLinks.closure(ctx.viewer, args.associationId),
  },
  Mutation: {
    issueClosureExportLink: (_root, args, ctx) => ctx.closureLinks.issue(ctx.viewer, ctx.publicOrigin, args.input.associationId),
  },
  AssociationClosure: {
    exportReadyAt: (closure) => closure.readyAt,
    exportSizeBytes: (closure) => (closure.status === 'ready' ? closure.sizeBytes : null),
    deletionReceipt: (closure, args) => (args.language === 'EN' ? closure.receiptEn : closure.receiptNb),
  },
  ClosureExportLink: {
    locked: (link) => link.failedAttempts >= MAX_FAILED_ATTEMPTS,
  },
};
