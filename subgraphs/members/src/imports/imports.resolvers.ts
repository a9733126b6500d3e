import type { ImportChangeKind, ImportMode, ImportStatus, Resolvers } from '../__generated__/resolvers-types';

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
      changes: job.changes,
      changesTruncated: job.changesTruncated,
    }),
  },
  ImportChange: {
    kind: (change) => change.kind.toUpperCase() as ImportChangeKind,
    member: async (change, _args, ctx) => (change.memberId ? ((await ctx.loaders.memberById.load(change.memberId)) ?? null) : null),
    unit: async (change, _args, ctx) => (await ctx.loaders.unitById.load(change.unitId)) ?? null,
  },
};
