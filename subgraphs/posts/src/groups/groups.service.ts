import { randomUUID } from 'node:crypto';
import {
  admitMember,
  badUserInput,
  conflict,
  definedOnly,
  forbidden,
  isUuid,
  notFound,
  pageSize,
  parseInput,
  toPage,
  unauthenticated,
  refusedRule,
  requireReference,
  type MemberReferences,
  type MemberViewer,
  type Page,
  type Viewer,
} from '@tunet/kit';
import type { GroupMembershipSource } from '../audiences/audiences';
import type { GroupKind, GroupRole } from '../tables';
import { canCreateGroup, canJoinGroups, canManageGroup, canReadGroups, canSeeGroupMembers, isGroupMember } from './groups.access';
import type { GroupsLoaders } from './groups.loaders';
import {
  JOIN_REQUESTED_TOPIC,
  MEMBER_ADDED_TOPIC,
  type GroupChanges,
  type GroupMemberRow,
  type GroupRow,
  type GroupRule,
  type GroupsRepository,
  type JoinRequestRow,
  type MemberListPosition,
  type RequestListPosition,
} from './groups.repository';
import {
  addMemberInput,
  assertActive,
  assertMembersCanChange,
  createGroupInput,
  decideInput,
  groupIdInput,
  memberInput,
  namePositionAfter,
  setRoleInput,
  timePositionAfter,
  updateGroupInput,
} from './groups.rules';

/** What the service needs of a request: who asks, and the request's loaders, which scope every read to them. */
export interface GroupsRequest {
  viewer: Viewer | null;
  groupLoaders: GroupsLoaders;
}

export type JoinOutcome = 'joined' | 'requested';

export interface GroupsFilter {
  kind?: GroupKind | null;
  joinedOnly?: boolean | null;
  includeArchived?: boolean | null;
}

/**
 * Business rules for groups: interest groups residents start and join, and committee groups that mirror a
 * committee of the members subgraph. It also tells the audience rules which groups a viewer is in.
 */
export class GroupsService implements GroupMembershipSource {
  constructor(
    private readonly repository: GroupsRepository,
    /** Members answers whether a committee or member is the association's own (kit's member-references). */
    private readonly members: MemberReferences,
  ) {}

  async listGroups(
    viewer: Viewer | null,
    first: number | null | undefined,
    after: string | null | undefined,
    filter: GroupsFilter | null | undefined,
  ): Promise<Page<GroupRow>> {
    const reader = admitMember(viewer, canReadGroups);
    const size = pageSize(first);
    const position = after ? namePositionAfter(after) : null;
    const rows = await this.repository.listGroups(
      reader.associationId,
      {
        kind: filter?.kind ?? null,
        includeArchived: filter?.includeArchived ?? false,
        joinedBy: filter?.joinedOnly ? { memberId: reader.memberId, committeeIds: reader.scope?.committeeIds ?? [] } : null,
      },
      size + 1,
      position,
    );
    return toPage(rows, size, (row) => [row.name, row.id]);
  }

  async group(request: GroupsRequest, id: string): Promise<GroupRow> {
    if (!request.viewer) throw unauthenticated();
    const group = await request.groupLoaders.groupById.load(id);
    if (!group) throw notFound('Group');
    return group;
  }

  /** The groups whose audience the viewer is in, for the audience rules of posts (GroupMembershipSource). */
  groupIdsOf(viewer: MemberViewer): Promise<string[]> {
    return this.repository.groupIdsOf(viewer.associationId, viewer.memberId, viewer.scope?.committeeIds ?? []);
  }

  async isArchived(viewer: MemberViewer, groupId: string): Promise<boolean> {
    const [group] = await this.repository.findGroups(viewer.associationId, [groupId]);
    return group?.archivedAt != null;
  }

  async hasGroup(viewer: MemberViewer, groupId: string): Promise<boolean> {
    return (await this.repository.findGroups(viewer.associationId, [groupId])).length > 0;
  }

  async createGroup(viewer: Viewer | null, rawInput: unknown): Promise<GroupRow> {
    const creator = admitMember(viewer, canReadGroups);
    const input = parseInput(createGroupInput, rawInput);
    if (!canCreateGroup(creator, creator.associationId, input.kind)) throw forbidden();
    if (input.committeeId) await requireReference(this.members, creator.associationId, 'committeeIds', input.committeeId, 'committeeId');
    try {
      return await this.repository.insertGroup(creator.associationId, {
        id: randomUUID(),
        kind: input.kind,
        name: input.name,
        description: input.description,
        open: input.kind === 'interest' && (input.open ?? true),
        committeeId: input.committeeId ?? null,
        createdByMemberId: creator.memberId,
      });
    } catch (error) {
      if (refusedRule<GroupRule>(error) === 'committee-has-group') {
        throw conflict('The committee already has a group.');
      }
      throw error;
    }
  }

  /** Opening a closed group lets in everyone who asked: the admins decided that anyone may join. */
  async updateGroup(request: GroupsRequest, rawInput: unknown): Promise<GroupRow> {
    const actor = admitMember(request.viewer, canReadGroups);
    const { groupId, ...patch } = parseInput(updateGroupInput, rawInput);
    return this.change(request, actor, groupId, async (group, changes) => {
      await assertManages(actor, group, changes);
      assertActive(group);
      if (group.kind === 'committee' && patch.open) {
        throw badUserInput('open', 'open: a COMMITTEE group follows its committee and cannot be open.');
      }
      const updated = await changes.update(definedOnly(patch));
      if (updated.open && !group.open) {
        for (const pending of await changes.pendingRequests()) await admit(changes, pending, actor.memberId);
      }
      return updated;
    });
  }

  async archiveGroup(request: GroupsRequest, rawInput: unknown): Promise<GroupRow> {
    const actor = admitMember(request.viewer, canReadGroups);
    const { groupId } = parseInput(groupIdInput, rawInput);
    return this.change(request, actor, groupId, async (group, changes) => {
      await assertManages(actor, group, changes);
      return changes.archive();
    });
  }

  /**
   * An open group takes the viewer in at once; a closed one gets a request for its admins, announced to them as
   * `group.join_requested`. Those who run the group need nobody's approval. Asking again changes nothing.
   */
  async joinGroup(request: GroupsRequest, rawInput: unknown): Promise<{ group: GroupRow; outcome: JoinOutcome }> {
    const member = admitMember(request.viewer, canJoinGroups);
    const { groupId } = parseInput(groupIdInput, rawInput);
    return this.change(request, member, groupId, async (group, changes) => {
      assertMembersCanChange(group);
      const current = await changes.roleOf(member.memberId);
      if (current) return { group, outcome: 'joined' as const };
      if (group.open || canManageGroup(member, group, current)) {
        await changes.addMember(member.memberId, 'member', null);
        await changes.announce({
          topic: MEMBER_ADDED_TOPIC,
          payload: { groupId: group.id, memberId: member.memberId, role: 'member', addedByMemberId: null },
        });
        return { group, outcome: 'joined' as const };
      }
      if (!(await changes.pendingRequestOf(member.memberId))) {
        const joinRequest = await changes.requestToJoin(randomUUID(), member.memberId);
        await changes.announce({
          topic: JOIN_REQUESTED_TOPIC,
          payload: { groupId: group.id, requestId: joinRequest.id, memberId: member.memberId, recipients: await changes.adminIds() },
        });
      }
      return { group, outcome: 'requested' as const };
    });
  }

  /** Leaving also withdraws a request that waits for an answer. */
  async leaveGroup(request: GroupsRequest, rawInput: unknown): Promise<GroupRow> {
    const member = admitMember(request.viewer, canReadGroups);
    const { groupId } = parseInput(groupIdInput, rawInput);
    return this.change(request, member, groupId, async (group, changes) => {
      assertMembersCanChange(group);
      const current = await changes.roleOf(member.memberId);
      if (current) {
        await assertNotLastAdmin(changes, member.memberId, current, 'You are');
        await changes.removeMember(member.memberId);
        return group;
      }
      const pending = await changes.pendingRequestOf(member.memberId);
      if (!pending) throw notFound('Membership');
      await changes.decide(pending.id, 'withdrawn', member.memberId);
      return group;
    });
  }

  async decideJoinRequest(request: GroupsRequest, rawInput: unknown): Promise<{ group: GroupRow; request: JoinRequestRow; member: GroupMemberRow | null }> {
    const actor = admitMember(request.viewer, canReadGroups);
    const { requestId, decision } = parseInput(decideInput, rawInput);
    const [found] = isUuid(requestId) ? await this.repository.findRequests(actor.associationId, [requestId]) : [];
    if (!found) throw notFound('Join request');
    return this.change(request, actor, found.groupId, async (group, changes) => {
      await assertManages(actor, group, changes);
      assertActive(group);
      // Read again under the group's lock: another admin may have answered it meanwhile.
      const pending = (await changes.request(requestId)) ?? found;
      if (pending.decision) throw conflict('The request was already answered.');
      if (decision === 'DECLINE') return { group, request: await changes.decide(requestId, 'declined', actor.memberId), member: null };
      return { group, ...(await admit(changes, pending, actor.memberId)) };
    });
  }

  /** Adding someone who asked to join answers their request too. */
  async addMember(request: GroupsRequest, rawInput: unknown): Promise<{ group: GroupRow; member: GroupMemberRow }> {
    const actor = admitMember(request.viewer, canReadGroups);
    const input = parseInput(addMemberInput, rawInput);
    return this.change(request, actor, input.groupId, async (group, changes) => {
      await assertManages(actor, group, changes);
      assertMembersCanChange(group);
      if (await changes.roleOf(input.memberId)) throw conflict('The member is already in the group.');
      // Only once the group and the right to manage it are settled: strangers still get NOT_FOUND or FORBIDDEN.
      await requireReference(this.members, actor.associationId, 'memberIds', input.memberId, 'memberId');
      const pending = await changes.pendingRequestOf(input.memberId);
      if (pending) await changes.decide(pending.id, 'approved', actor.memberId);
      return { group, member: await addAndAnnounce(changes, input.memberId, input.role, actor.memberId) };
    });
  }

  async removeMember(request: GroupsRequest, rawInput: unknown): Promise<GroupRow> {
    const actor = admitMember(request.viewer, canReadGroups);
    const input = parseInput(memberInput, rawInput);
    return this.change(request, actor, input.groupId, async (group, changes) => {
      await assertManages(actor, group, changes);
      assertMembersCanChange(group);
      const current = await roleOfMember(changes, input.memberId);
      await assertNotLastAdmin(changes, input.memberId, current, 'They are');
      await changes.removeMember(input.memberId);
      return group;
    });
  }

  async setMemberRole(request: GroupsRequest, rawInput: unknown): Promise<{ group: GroupRow; member: GroupMemberRow }> {
    const actor = admitMember(request.viewer, canReadGroups);
    const input = parseInput(setRoleInput, rawInput);
    return this.change(request, actor, input.groupId, async (group, changes) => {
      await assertManages(actor, group, changes);
      assertMembersCanChange(group);
      const current = await roleOfMember(changes, input.memberId);
      if (input.role === 'member') await assertNotLastAdmin(changes, input.memberId, current, 'They are');
      return { group, member: (await changes.setRole(input.memberId, input.role))! };
    });
  }

  async viewerRole(request: GroupsRequest, group: GroupRow): Promise<GroupRole | null> {
    return group.kind === 'interest' ? request.groupLoaders.viewerRoleByGroup.load(group.id) : null;
  }

  async viewerIsMember(request: GroupsRequest, group: GroupRow): Promise<boolean> {
    return isGroupMember(request.viewer, group, await this.viewerRole(request, group));
  }

  async viewerIsAdmin(request: GroupsRequest, group: GroupRow): Promise<boolean> {
    return canManageGroup(request.viewer, group, await this.viewerRole(request, group));
  }

  async viewerHasRequested(request: GroupsRequest, group: GroupRow): Promise<boolean> {
    return group.kind === 'interest' && request.groupLoaders.viewerRequestedByGroup.load(group.id);
  }

  async memberCount(request: GroupsRequest, group: GroupRow): Promise<number | null> {
    return group.kind === 'interest' ? request.groupLoaders.memberCountByGroup.load(group.id) : null;
  }

  /** Null where the viewer may not see who is in the group, and for committee groups, whose members live in members. */
  async listMembers(
    request: GroupsRequest,
    group: GroupRow,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<GroupMemberRow> | null> {
    if (!canSeeGroupMembers(request.viewer, group, await this.viewerRole(request, group))) return null;
    const size = pageSize(first);
    const position: MemberListPosition | null = after ? timePositionAfter(after, (joinedAt, memberId) => ({ joinedAt, memberId })) : null;
    const rows = await this.repository.listMembers(group.associationId, group.id, size + 1, position);
    return toPage(rows, size, (row) => [row.joinedAt.toISOString(), row.memberId]);
  }

  /** Null unless the viewer runs the group: who asked to join, and so who was turned down, is the admins' business. */
  async listPendingRequests(
    request: GroupsRequest,
    group: GroupRow,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<(Page<JoinRequestRow> & { totalCount: number }) | null> {
    if (!(await this.viewerIsAdmin(request, group))) return null;
    const size = pageSize(first);
    const position: RequestListPosition | null = after ? timePositionAfter(after, (requestedAt, id) => ({ requestedAt, id })) : null;
    // The count comes from a loader, so a page of groups with their badges costs one count query.
    const [rows, totalCount] = await Promise.all([
      this.repository.listPendingRequests(group.associationId, group.id, size + 1, position),
      request.groupLoaders.pendingRequestCountByGroup.load(group.id),
    ]);
    return { ...toPage(rows, size, (row) => [row.requestedAt.toISOString(), row.id]), totalCount };
  }

  /** Runs a change on a group of the viewer's association; afterwards the request's loaders see the new state. */
  private async change<T>(
    request: GroupsRequest,
    viewer: MemberViewer,
    groupId: string,
    work: (group: GroupRow, changes: GroupChanges) => Promise<T>,
  ): Promise<T> {
    const result = isUuid(groupId) ? await this.repository.change(viewer.associationId, groupId, work) : null;
    if (result === null) throw notFound('Group');
    const loaders = request.groupLoaders;
    loaders.groupById.clear(groupId);
    loaders.memberCountByGroup.clear(groupId);
    loaders.viewerRoleByGroup.clear(groupId);
    loaders.viewerRequestedByGroup.clear(groupId);
    return result;
  }
}

async function assertManages(viewer: MemberViewer, group: GroupRow, changes: GroupChanges): Promise<void> {
  if (!canManageGroup(viewer, group, group.kind === 'interest' ? await changes.roleOf(viewer.memberId) : null)) throw forbidden();
}

async function roleOfMember(changes: GroupChanges, memberId: string): Promise<GroupRole> {
  const role = await changes.roleOf(memberId);
  if (!role) throw notFound('Group member');
  return role;
}

/** An interest group always keeps an admin, so someone besides the board can run it. */
async function assertNotLastAdmin(changes: GroupChanges, memberId: string, role: GroupRole, who: 'You are' | 'They are') {
  if (role !== 'admin') return;
  const admins = await changes.adminIds();
  if (admins.length === 1 && admins[0] === memberId) {
    throw conflict(`${who} the group's only admin; make another member admin first.`);
  }
}

async function admit(changes: GroupChanges, pending: JoinRequestRow, deciderId: string) {
  const decided = await changes.decide(pending.id, 'approved', deciderId);
  return { request: decided, member: await addAndAnnounce(changes, pending.memberId, 'member', deciderId) };
}

async function addAndAnnounce(changes: GroupChanges, memberId: string, role: GroupRole, addedByMemberId: string) {
  const member = await changes.addMember(memberId, role, addedByMemberId);
  await changes.announce({ topic: MEMBER_ADDED_TOPIC, payload: { groupId: changes.group.id, memberId, role, addedByMemberId } });
  return member;
}
