import { requestFieldLoaders } from '../request-fields.loaders';
import type { Resolvers } from '../__generated__/resolvers-types';

export const serviceRequestsResolvers: Resolvers = {
  Query: {
    serviceRequest: (_parent, { id }, ctx) => ctx.serviceRequests.get(ctx, id),
    serviceRequests: (_parent, args, ctx) => ctx.serviceRequests.list(ctx, args),
    myServiceRequests: (_parent, args, ctx) => ctx.serviceRequests.mine(ctx, args),
  },
  Mutation: {
    reportServiceRequest: (_parent, { input }, ctx) => ctx.serviceRequests.report(ctx, input),
    changeServiceRequestStatus: (_parent, { input }, ctx) => ctx.serviceRequests.changeStatus(ctx, input),
    setServiceRequestVisibility: (_parent, { input }, ctx) => ctx.serviceRequests.setVisibility(ctx, input),
  },
  ServiceRequest: {
    location: (row) => ({
      kind: row.locationKind,
      unitId: row.unitId,
      buildingId: row.buildingId,
      place: row.place,
      // Federation references: members resolves them in the viewer's association.
      unit: row.unitId ? { id: row.unitId } : null,
      building: row.buildingId ? { id: row.buildingId } : null,
    }),
    description: (row, _args, ctx) => (ctx.serviceRequests.seesDetails(ctx.viewer, row) ? row.description : null),
    rejectionReason: (row, _args, ctx) => (ctx.serviceRequests.seesDetails(ctx.viewer, row) ? row.rejectionReason : null),
    reporter: (row, _args, ctx) => (ctx.serviceRequests.seesDetails(ctx.viewer, row) ? { id: row.reporterMemberId } : null),
    reportedByMe: (row, _args, ctx) => ctx.viewer?.memberId === row.reporterMemberId && ctx.viewer.associationId === row.associationId,
    history: (row, _args, ctx) => ctx.serviceRequests.history(ctx.viewer, row, requestFieldLoaders(ctx)),
  },
  ServiceRequestStatusChange: {
    from: (change) => change.fromStatus,
    to: (change) => change.toStatus,
    actor: (change) => (change.actorMemberId ? { id: change.actorMemberId } : null),
  },
};
