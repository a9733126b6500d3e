import { LocalDateResolver } from '@tunet/kit';
import type { Resolvers } from '../__generated__/resolvers-types';
import { excerptOf } from './moderation.rules';

export const moderationResolvers: Resolvers = {
  Date: LocalDateResolver,
  Query: {
    moderationQueue: (_root, { status, first, after }, ctx) => ctx.moderation.queue(ctx, status, first, after),
    moderationCase: (_root, { id }, ctx) => ctx.moderation.moderationCase(ctx, id),
    moderationLog: (_root, { first, after }, ctx) => ctx.moderation.log(ctx, first, after),
    moderationSettings: (_root, _args, ctx) => ctx.moderation.settings(ctx.viewer),
  },
  Mutation: {
    reportContent: async (_root, { input }, ctx) => ({ report: await ctx.moderation.reportContent(ctx, input) }),
    updateModerationSettings: async (_root, { input }, ctx) => ({ settings: await ctx.moderation.updateSettings(ctx.viewer, input) }),
    resolveModerationCase: async (_root, { input }, ctx) => ({ moderationCase: await ctx.moderation.resolveCase(ctx, input) }),
    moderateContent: async (_root, { input }, ctx) => {
      const { action, state } = await ctx.moderation.moderateContent(ctx, input);
      return { action, state };
    },
  },
  // Only references: the gateway asks the members subgraph for the members' fields.
  ContentReport: {
    reporter: (report) => ({ __typename: 'Member', id: report.reporterMemberId }),
  },
  ModerationCase: {
    author: (found) => ({ __typename: 'Member', id: found.authorMemberId }),
    // The board's loaders see every post and comment but those withheld from everyone but their authors.
    post: (found, _args, ctx) => ctx.loaders.postById.load(found.postId),
    comment: (found, _args, ctx) => (found.targetType === 'COMMENT' ? ctx.commentLoaders.commentById.load(found.targetId) : null),
    excerpt: async (found, _args, ctx) => {
      const target = await ctx.moderation.target(ctx, found);
      return target ? excerptOf(target) : null;
    },
    // A purged target is as gone as a removed one.
    state: async (found, _args, ctx) => (await ctx.moderation.target(ctx, found))?.state ?? 'removed',
    reports: (found, _args, ctx) => ctx.moderationLoaders.reportsByCase.load(found.id),
    actions: (found, _args, ctx) => ctx.moderationLoaders.actionsByCase.load(found.id),
  },
  ModerationAction: {
    actor: (action) => (action.actorMemberId ? { __typename: 'Member', id: action.actorMemberId } : null),
  },
  Post: {
    moderation: (post, _args, ctx) => ctx.moderation.moderationOf(ctx, 'POST', post),
  },
  Comment: {
    moderation: (comment, _args, ctx) => ctx.moderation.moderationOf(ctx, 'COMMENT', comment),
  },
};
