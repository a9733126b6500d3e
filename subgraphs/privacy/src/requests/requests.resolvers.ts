import { isOverdue } from './requests.rules';
import type { Resolvers } from '../__generated__/resolvers-types';

export const requestsResolvers: Resolvers = {
  Query: {
    privacyRequests: (_parent, args, ctx) => ctx.requests.page(ctx.viewer, args),
    myPrivacyRequests: (_parent, _args, ctx) => ctx.requests.mine(ctx.viewer),
  },
  Mutation: {
    requestDataExport: (_parent, { input }, ctx) => ctx.requests.requestExport(ctx.viewer, input),
    requestErasure: (_parent, { input }, ctx) => ctx.requests.requestErasure(ctx.viewer, input),
    extendPrivacyRequest: (_parent, { input }, ctx) => ctx.requests.extend(ctx.viewer, input),
  },
  PrivacyRequest: {
    subjectId: (request) => request.subjectMemberId,
    // A completed erasure's person no longer exists anywhere; a reference would name nobody.
    subject: (request) => (request.kind === 'erasure' && request.status === 'completed' ? null : { id: request.subjectMemberId }),
    requestedBy: (request) => (request.requestedBy ? { id: request.requestedBy } : null),
    overdue: (request, _args, ctx) => request.status !== 'completed' && isOverdue(request.deadline, request.timeZone, ctx.now()),
    extension: (request) => (request.extensionMonths > 0 ? { months: request.extensionMonths, reason: request.extensionReason ?? '' } : null),
    receipt: (request) => request.steps.flatMap((step) => (step.receipt ?? []).map((entry) => ({ subgraph: step.subgraph, ...entry }))),
  },
};
