import type { Resolvers } from '../__generated__/resolvers-types';

export const photosResolvers: Resolvers = {
  Mutation: {
    addServiceRequestPhoto: (_parent, { input }, ctx) => ctx.photos.add(ctx, input),
    removeServiceRequestPhoto: (_parent, { input: { photoId } }, ctx) => ctx.photos.remove(ctx, photoId),
  },
  ServiceRequest: {
    photos: (row, _args, ctx) => ctx.photos.photosOf(ctx, row),
  },
  ServiceRequestPhoto: {
    url: (photo, _args, ctx) => ctx.photos.url(ctx, photo, 'original'),
    thumbnailUrl: (photo, _args, ctx) => ctx.photos.url(ctx, photo, 'thumbnail'),
  },
};
