import { DateTimeResolver, LocalDateResolver } from '@tunet/kit';
import type { AssociationStatus, FieldVisibility, Locale, MemberRole, Resolvers } from '../__generated__/resolvers-types';
import type { MembersContext } from '../context';
import {
  canSeeExternalTitle,
  canSeeField,
  canSeeName,
  canSeePrivateDetails,
  canSeeVisibilitySettings,
  DEFAULT_VISIBILITY,
  isPrivilegedRead,
  visibilityOf,
  withdrawnByRestriction,
  type ProfileField,
} from './members.access';
import type { MemberRow } from './members.repository';
import { consentsOf } from './privacy-states.loaders';

/** The member's consents in force, as privacy answered for this request (none when it could not). */
const consents = async (member: MemberRow, ctx: MembersContext) => consentsOf(await ctx.privacyStates(member.associationId), member.id);

/** A profile field as the viewer may see it; privileged reads are written to the access log first. */
async function visible<T>(member: MemberRow, field: ProfileField, value: T, ctx: MembersContext): Promise<T | null> {
  if (await withdrawn(member, ctx)) return null;
  const given = await consents(member, ctx);
  if (!canSeeField(ctx.viewer, member, field, given)) return null;
  if (isPrivilegedRead(ctx.viewer, member, field, given)) await ctx.recordRead(member, field);
  return value;
}

/** A restricted person reached through a reference shows residents and integrators their name alone (decision 0038). */
async function withdrawn(member: MemberRow, ctx: MembersContext): Promise<boolean> {
  if (!withdrawnByRestriction(ctx.viewer, member, null)) return false;
  return withdrawnByRestriction(ctx.viewer, member, (await ctx.privacyStates(member.associationId))?.restricted ?? null);
}

const upper = <T extends string>(value: string) => value.toUpperCase() as T;

export const membersResolvers: Resolvers = {
  DateTime: DateTimeResolver,
  Date: LocalDateResolver,
  Query: {
    me: (_root, _args, ctx) => ctx.members.me(ctx.viewer, ctx.loaders),
    association: (_root, { id }, ctx) => ctx.members.association(ctx.viewer, ctx.loaders, id),
    member: (_root, { id }, ctx) => ctx.members.member(ctx.viewer, ctx.loaders, id, ctx.privacyStates),
    directory: (_root, args, ctx) => ctx.members.directory(ctx.viewer, args, ctx.privacyStates),
  },
  Mutation: {
    updateAssociation: async (_root, { input }, ctx) => ({ association: await ctx.members.updateAssociation(ctx.viewer, input) }),
    updateMyProfile: async (_root, { input }, ctx) => ({ member: await ctx.members.updateMyProfile(ctx.viewer, ctx.loaders, input) }),
    suspendMember: async (_root, { input }, ctx) => ({ member: await ctx.members.suspend(ctx.viewer, ctx.loaders, input) }),
    reinstateMember: async (_root, { input }, ctx) => ({ member: await ctx.members.reinstate(ctx.viewer, ctx.loaders, input) }),
    setMyPortrait: async (_root, { input }, ctx) => ({ member: await ctx.portraits.set(ctx.viewer, ctx.loaders, input) }),
    removeMyPortrait: async (_root, _args, ctx) => ({ member: await ctx.portraits.remove(ctx.viewer, ctx.loaders) }),
  },
  Association: {
    __resolveReference: (ref, ctx) => ctx.loaders.associationById.load(ref.id),
    postalAddress: (a) => (a.streetAddress || a.postalCode || a.city ? { street: a.streetAddress, postalCode: a.postalCode, city: a.city } : null),
    locale: (a) => upper<Locale>(a.locale),
    status: (a) => upper<AssociationStatus>(a.status),
    buildings: (a, _args, ctx) => ctx.housing.buildings(ctx.viewer, a.id),
    committees: (a, _args, ctx) => ctx.committees.committees(ctx.viewer, a.id),
  },
  MemberConnection: {
    totalCount: (page) => page.totalCount(),
  },
  Member: {
    __resolveReference: (ref, ctx) => ctx.loaders.memberById.load(ref.id),
    association: async (member, _args, ctx) => {
      const association = await ctx.loaders.associationById.load(member.associationId);
      if (!association) throw new Error(`member ${member.id} without a visible association`);
      return association;
    },
    displayName: async (member, _args, ctx) => {
      if (!canSeeName(ctx.viewer, member)) return null;
      if (isPrivilegedRead(ctx.viewer, member, 'name', [])) await ctx.recordRead(member, 'name');
      return member.displayName;
    },
    nameHidden: (member) => member.hideName,
    roles: (member) => member.roles.map((role) => upper<MemberRole>(role)),
    email: (member, _args, ctx) => visible(member, 'email', member.email, ctx),
    phone: (member, _args, ctx) => visible(member, 'phone', member.phone, ctx),
    portraitUrl: async (member, _args, ctx) =>
      visible(member, 'portrait', (await ctx.portraits.url(ctx.publicOrigin, member, 'display')) ?? ctx.members.portraitOf(member), ctx),
    portraitThumbnailUrl: async (member, _args, ctx) => visible(member, 'portrait', await ctx.portraits.url(ctx.publicOrigin, member, 'thumbnail'), ctx),
    occupation: (member, _args, ctx) => visible(member, 'occupation', member.occupation, ctx),
    about: (member, _args, ctx) => visible(member, 'about', member.about, ctx),
    onlineIdentities: (member, _args, ctx) => visible(member, 'onlineIdentities', member.onlineIdentities, ctx),
    tenures: async (member, _args, ctx) => {
      if (await withdrawn(member, ctx)) return [];
      const tenures = await ctx.loaders.tenuresByMember.load(member.id);
      return canSeePrivateDetails(ctx.viewer, member) ? tenures : tenures.filter((t) => t.active);
    },
    committeeTerms: (member, _args, ctx) => ctx.loaders.termsByMember.load(member.id),
    suspension: (member, _args, ctx) =>
      member.suspendedAt && canSeePrivateDetails(ctx.viewer, member)
        ? { reason: member.suspensionReason ?? '', since: member.suspendedAt, until: member.suspendedUntil }
        : null,
    visibility: async (member, _args, ctx) => {
      if (!canSeeVisibilitySettings(ctx.viewer, member)) return null;
      const given = await consents(member, ctx);
      const fields = Object.keys(DEFAULT_VISIBILITY) as ProfileField[];
      return Object.fromEntries(fields.map((field) => [field, upper<FieldVisibility>(visibilityOf(member, field, given))])) as Record<
        ProfileField,
        FieldVisibility
      >;
    },
    externalTitle: (member, _args, ctx) => (canSeeExternalTitle(ctx.viewer, member) ? member.externalTitle : null),
  },
};
