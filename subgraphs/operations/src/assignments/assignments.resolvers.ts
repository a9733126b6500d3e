import { requestFieldLoaders } from '../request-fields.loaders';
import { isAssignee } from './assignments.access';
import type { Resolvers } from '../__generated__/resolvers-types';

export const assignmentsResolvers: Resolvers = {
  Query: {
    assignedServiceRequests: (_parent, args, ctx) => ctx.assignments.assignedToMe(ctx, args),
  },
  Mutation: {
    assignServiceRequest: (_parent, { input }, ctx) => ctx.assignments.assign(ctx, input),
  },
  ServiceRequest: {
    assignee: (row, _args, ctx) => ctx.assignments.assigneeOf(ctx.viewer, row),
    assignedAt: (row, _args, ctx) => (ctx.assignments.assigneeOf(ctx.viewer, row) ? row.assignedAt : null),
    assignedToMe: (row, _args, ctx) => isAssignee(ctx.viewer, row),
    supplier: (row, _args, ctx) => ctx.assignments.supplierOf(ctx.viewer, row, requestFieldLoaders(ctx)),
  },
  ServiceRequestSupplier: {
    email: (supplier) => supplier.contactEmail,
    phone: (supplier) => supplier.contactPhone,
  },
};
