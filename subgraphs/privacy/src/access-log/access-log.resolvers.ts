import type { DataAccessActorKind, DataAccessKind, Resolvers } from '../__generated__/resolvers-types';

export const accessLogResolvers: Resolvers = {
  Query: {
    myDataAccess: (_parent, args, ctx) => ctx.accessLog.mine(ctx.viewer, args.first, args.after),
  },
  DataAccessEntry: {
    kind: (entry) => entry.kind.toUpperCase() as DataAccessKind,
    actorKind: (entry) => entry.actorKind.toUpperCase() as DataAccessActorKind,
    actor: (entry) => (entry.actorKind === 'member' && entry.actorId ? { id: entry.actorId } : null),
  },
};
