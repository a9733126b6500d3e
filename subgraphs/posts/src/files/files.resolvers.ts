import type { Resolvers } from '../__generated__/resolvers-types';

export const filesResolvers: Resolvers = {
  Query: {
    fileSettings: (_root, _args, ctx) => ctx.files.settings(ctx),
  },
  Mutation: {
    uploadFile: async (_root, { input }, ctx) => ({ file: await ctx.files.upload(ctx, input) }),
    setPostAttachments: async (_root, { input }, ctx) => ({ post: await ctx.files.setPostAttachments(ctx, input) }),
    updateFileSettings: async (_root, { input }, ctx) => ({ settings: await ctx.files.updateSettings(ctx, input) }),
  },
  Association: {
    storageUsage: (association, _args, ctx) => ctx.files.storageUsage(ctx, association.id),
  },
  Post: {
    attachments: (post, _args, ctx) => ctx.fileLoaders.attachmentsByPost.load(post.id),
  },
  File: {
    size: (file) => file.sizeBytes,
    url: async (file, _args, ctx) => (await ctx.files.url(ctx, file, 'original'))!,
    displayUrl: (file, _args, ctx) => ctx.files.url(ctx, file, 'display'),
    thumbnailUrl: (file, _args, ctx) => ctx.files.url(ctx, file, 'thumbnail'),
    // Only the reference: the gateway asks the members subgraph for the member's fields.
    uploadedBy: (file) => ({ __typename: 'Member', id: file.uploadedByMemberId }),
  },
};
