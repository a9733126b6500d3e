import type { ImportMode, ImportStatus, Resolvers } from '../__generated__/resolvers-types';

export const importsResolvers: Resolvers = {
  Query: {
    importJob: (_root, { id }, ctx) => ctx.imports.job(ctx.viewer, id),
  },
  Mutation: {
    importMembers: async (_root, { input }, ctx) => ({ job: await ctx.imports.start(ctx.viewer, input) }),
  },
  ImportJob: {
    mode: (job) => job.mode.toUpperCase() as ImportMode,
    status: (job) => job.status.toUpperCase() as ImportStatus,
    report: (job) => ({
      created: job.createdCount,
      updated: job.updatedCount,
      movedOut: job.movedOutCount,
      unchanged: job.unchangedCount,
      rejected: job.rejected,
    }),
  },
};
