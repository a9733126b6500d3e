import type { Resolvers } from '../__generated__/resolvers-types';

export const serviceRequestsResolvers: Resolvers = {
  Query: {
    serviceRequest: (_parent, { id }, ctx) => ctx.serviceRequests.get(ctx, id),
  },
  ServiceRequest: {
    location: (row) => ({ kind: row.locationKind, unitId: row.unitId, buildingId: row.buildingId, place: row.place }),
    description: async (row, _args, ctx) => ((await ctx.serviceRequests.seesDetails(ctx.viewer, row)) ? row.description : null),
    reporter: async (row, _args, ctx) => ((await ctx.serviceRequests.seesDetails(ctx.viewer, row)) ? { id: row.reporterMemberId } : null),
    reportedByMe: (row, _args, ctx) => ctx.viewer?.memberId === row.reporterMemberId && ctx.viewer.associationId === row.associationId,
    history: (row, _args, ctx) => ctx.serviceRequests.history(ctx.viewer, row),
  },
  ServiceRequestStatusChange: {
    from: (change) => change.fromStatus,
    to: (change) => change.toStatus,
    actor: (change) => (change.actorMemberId ? { id: change.actorMemberId } : null),
  },
};
