import type { Resolvers } from '../__generated__/resolvers-types';

export const archivesResolvers: Resolvers = {
  PrivacyRequest: {
    archive: (request, _args, ctx) =>
      request.kind === 'export' ? ctx.archives.download(ctx.viewer, ctx.publicOrigin, request.associationId, request.id) : null,
  },
};
