import type { CommitteeRole, Resolvers, TenureRelation } from '../__generated__/resolvers-types';
import { statusOf } from './invitations.service';

const upper = <T extends string>(value: string) => value.toUpperCase() as T;

export const invitationsResolvers: Resolvers = {
  Association: {
    invitations: (association, { includeClosed }, ctx) => ctx.invitations.list(ctx.viewer, association.id, includeClosed ?? false),
  },
  Query: {
    invitationPreview: async (_root, args, ctx) => {
      const preview = await ctx.invitations.preview(args, ctx.clientIp);
      return {
        ...preview,
        relation: preview.relation ? upper<TenureRelation>(preview.relation) : null,
        committeeRole: preview.committeeRole ? upper<CommitteeRole>(preview.committeeRole) : null,
      };
    },
  },
  Mutation: {
    inviteMember: async (_root, { input }, ctx) => ({ invitation: await ctx.invitations.invite(ctx.viewer, ctx.loaders, input) }),
    resendInvitation: async (_root, { input }, ctx) => ({ invitation: await ctx.invitations.resend(ctx.viewer, ctx.loaders, input) }),
    revokeInvitation: async (_root, { input }, ctx) => ({ invitation: await ctx.invitations.revoke(ctx.viewer, input) }),
    acceptInvitation: (_root, { input }, ctx) => ctx.invitations.accept(input, ctx.clientIp),
  },
  Invitation: {
    member: async (invitation, _args, ctx) => (await ctx.loaders.memberById.load(invitation.memberId))!,
    unit: (invitation, _args, ctx) => (invitation.unitId ? ctx.loaders.unitById.load(invitation.unitId) : null),
    status: (invitation) => statusOf(invitation),
  },
};
