import type { Resolvers } from '../__generated__/resolvers-types';
import type { SubprocessorChangeRow } from './subprocessors.repository';

const asGraphQL = (row: SubprocessorChangeRow) => ({
  ...row,
  change: row.change.toUpperCase() as 'ADDED' | 'CHANGED' | 'REMOVED',
  purpose: { nb: row.purposeNb, en: row.purposeEn },
  objections: [],
});

export const subprocessorsResolvers: Resolvers = {
  Query: {
    subprocessors: async (_root, _args, ctx) => (await ctx.subprocessors.inForce(ctx.viewer)).map((row) => ({ ...asGraphQL(row), id: row.subprocessorId })),
    subprocessorChanges: async (_root, args, ctx) => {
      const page = await ctx.subprocessors.history(ctx.viewer, args);
      return { ...page, nodes: page.nodes.map(asGraphQL) };
    },
  },
  Mutation: {
    announceSubprocessorChange: async (_root, { input }, ctx) => {
      const announced = await ctx.subprocessors.announce(ctx.viewer, input);
      return { ...announced, change: asGraphQL(announced.change) };
    },
    objectToSubprocessorChange: (_root, { input }, ctx) => ctx.subprocessors.object(ctx.viewer, input),
  },
  SubprocessorChange: {
    objections: (change, _args, ctx) => ctx.subprocessors.objections(ctx.viewer, change.id),
  },
};
