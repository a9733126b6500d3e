import { DateTimeResolver } from '@tunet/kit';
import type { Locale, MemberRole, Resolvers } from '../__generated__/resolvers-types';
import { canSeeEmail } from './members.access';

export const membersResolvers: Resolvers = {
  DateTime: DateTimeResolver,
  Query: {
    me: (_root, _args, ctx) => ctx.members.me(ctx.viewer, ctx.loaders),
    association: (_root, { id }, ctx) => ctx.members.association(ctx.viewer, ctx.loaders, id),
    member: (_root, { id }, ctx) => ctx.members.member(ctx.viewer, ctx.loaders, id),
  },
  Association: {
    __resolveReference: (ref, ctx) => ctx.loaders.associationById.load(ref.id),
    locale: (association) => association.locale.toUpperCase() as Locale,
    members: (association, { first, after }, ctx) => ctx.members.listMembers(ctx.viewer, association.id, first, after),
  },
  Member: {
    __resolveReference: (ref, ctx) => ctx.loaders.memberById.load(ref.id),
    association: async (member, _args, ctx) => {
      const association = await ctx.loaders.associationById.load(member.associationId);
      if (!association) throw new Error(`member ${member.id} without a visible association`);
      return association;
    },
    email: (member, _args, ctx) => (canSeeEmail(ctx.viewer, member) ? member.email : null),
    role: (member) => member.role.toUpperCase() as MemberRole,
    unit: (member, _args, ctx) =>
      member.unitId ? ctx.loaders.unitById.load({ associationId: member.associationId, id: member.unitId }) : null,
  },
};
