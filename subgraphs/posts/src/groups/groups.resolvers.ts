import type { JoinGroupOutcome, Resolvers } from '../__generated__/resolvers-types';

const OUTCOME: Record<'joined' | 'requested', JoinGroupOutcome> = { joined: 'JOINED', requested: 'REQUESTED' };

export const groupsResolvers: Resolvers = {
  Query: {
    groups: (_root, { first, after, filter }, ctx) => ctx.groups.listGroups(ctx.viewer, first, after, filter),
    group: (_root, { id }, ctx) => ctx.groups.group(ctx, id),
  },
  Mutation: {
    createGroup: async (_root, { input }, ctx) => ({ group: await ctx.groups.createGroup(ctx.viewer, input) }),
    updateGroup: async (_root, { input }, ctx) => ({ group: await ctx.groups.updateGroup(ctx, input) }),
    archiveGroup: async (_root, { input }, ctx) => ({ group: await ctx.groups.archiveGroup(ctx, input) }),
    joinGroup: async (_root, { input }, ctx) => {
      const { group, outcome } = await ctx.groups.joinGroup(ctx, input);
      return { group, outcome: OUTCOME[outcome] };
    },
    leaveGroup: async (_root, { input }, ctx) => ({ group: await ctx.groups.leaveGroup(ctx, input) }),
    decideGroupJoinRequest: (_root, { input }, ctx) => ctx.groups.decideJoinRequest(ctx, input),
    addGroupMember: (_root, { input }, ctx) => ctx.groups.addMember(ctx, input),
    removeGroupMember: async (_root, { input }, ctx) => ({ group: await ctx.groups.removeMember(ctx, input) }),
    setGroupMemberRole: (_root, { input }, ctx) => ctx.groups.setMemberRole(ctx, input),
  },
  Group: {
    __resolveReference: (ref, ctx) => ctx.groupLoaders.groupById.load(ref.id),
    archived: (group) => group.archivedAt !== null,
    // Only the reference: the gateway asks the members subgraph for the member's fields.
    createdBy: (group) => ({ __typename: 'Member', id: group.createdByMemberId }),
    viewerIsMember: (group, _args, ctx) => ctx.groups.viewerIsMember(ctx, group),
    viewerIsAdmin: (group, _args, ctx) => ctx.groups.viewerIsAdmin(ctx, group),
    viewerHasRequestedToJoin: (group, _args, ctx) => ctx.groups.viewerHasRequested(ctx, group),
    memberCount: (group, _args, ctx) => ctx.groups.memberCount(ctx, group),
    members: (group, { first, after }, ctx) => ctx.groups.listMembers(ctx, group, first, after),
    pendingRequests: (group, { first, after }, ctx) => ctx.groups.listPendingRequests(ctx, group, first, after),
    posts: (group, { first, after }, ctx) => ctx.posts.listPosts(ctx.viewer, { first, after, audience: { kind: 'group', id: group.id } }),
  },
  GroupMember: {
    member: (row) => ({ __typename: 'Member', id: row.memberId }),
  },
  GroupJoinRequest: {
    // A request is only ever loaded within the viewer's association, where its group is too.
    group: async (request, _args, ctx) => (await ctx.groupLoaders.groupById.load(request.groupId))!,
    member: (request) => ({ __typename: 'Member', id: request.memberId }),
  },
};
