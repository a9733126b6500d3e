import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { openPostsTestBed, viewerIn, type PostsTestBed } from '../posts.fixtures';
import { groupMembers, groups } from '../tables';
import type { GroupRow } from './groups.repository';

let bed: PostsTestBed;

beforeAll(async () => {
  bed = await openPostsTestBed();
});

afterAll(() => bed.close());

const service = () => bed.subgraph.groups;

const create = (viewer: Viewer | null, input: Record<string, unknown>) => service().createGroup(viewer, { kind: 'INTEREST', name: 'Hagegruppa', ...input });
const join = (viewer: Viewer, groupId: string) => service().joinGroup(bed.contextFor(viewer), { groupId });
const leave = (viewer: Viewer, groupId: string) => service().leaveGroup(bed.contextFor(viewer), { groupId });
const add = (viewer: Viewer, groupId: string, memberId: string, role?: 'MEMBER' | 'ADMIN') =>
  service().addMember(bed.contextFor(viewer), { groupId, memberId, role });
const setRole = (viewer: Viewer, groupId: string, memberId: string, role: 'MEMBER' | 'ADMIN') =>
  service().setMemberRole(bed.contextFor(viewer), { groupId, memberId, role });
const remove = (viewer: Viewer, groupId: string, memberId: string) => service().removeMember(bed.contextFor(viewer), { groupId, memberId });
const decide = (viewer: Viewer, requestId: string, decision: 'APPROVE' | 'DECLINE') =>
  service().decideJoinRequest(bed.contextFor(viewer), { requestId, decision });
const pending = async (viewer: Viewer, group: GroupRow) => (await service().listPendingRequests(bed.contextFor(viewer), group, 100, null))?.nodes ?? null;
const memberIds = async (viewer: Viewer, group: GroupRow) =>
  (await service().listMembers(bed.contextFor(viewer), group, 100, null))?.nodes.map((m) => m.memberId) ?? null;

type Outboxed = { topic: string; payload: Record<string, unknown> };
async function events(associationId: string): Promise<Outboxed[]> {
  const result = (await bed.db.system((tx) =>
    tx.execute(sql`select topic, payload from posts.outbox where association_id = ${associationId} and topic like 'group.%' order by id`),
  )) as { rows: Outboxed[] };
  return result.rows;
}

const code = (value: string) => ({ extensions: { code: value } });

describe('groups', () => {
  describe('creating', () => {
    const association = randomUUID();
    const board = viewerIn(association, 'board');
    const resident = viewerIn(association);

    it('a resident starts an interest group, open unless said otherwise, and becomes its admin', async () => {
      const group = await create(resident, { name: '  Hagegruppa  ', description: ' Vi steller bedene. ' });
      expect(group).toMatchObject({
        associationId: association,
        kind: 'interest',
        name: 'Hagegruppa',
        description: 'Vi steller bedene.',
        open: true,
        committeeId: null,
        createdByMemberId: resident.memberId,
        archivedAt: null,
      });
      const ctx = bed.contextFor(resident);
      expect(await service().viewerIsAdmin(ctx, group)).toBe(true);
      expect(await service().viewerIsMember(ctx, group)).toBe(true);
      expect(await service().memberCount(ctx, group)).toBe(1);
      expect(await memberIds(resident, group)).toEqual([resident.memberId]);
    });

    it('the board mirrors a committee once; a second group for it is CONFLICT', async () => {
      const committeeId = randomUUID();
      const group = await create(board, { kind: 'COMMITTEE', name: 'Festkomiteen', committeeId });
      expect(group).toMatchObject({ kind: 'committee', committeeId, open: false });
      // Its members are the committee's: nobody is stored, so there is nothing to count.
      expect(await service().memberCount(bed.contextFor(board), group)).toBeNull();
      await expect(create(board, { kind: 'COMMITTEE', name: 'Fest igjen', committeeId })).rejects.toMatchObject(code('CONFLICT'));
    });

    it.each([
      ['an empty name', { name: '   ' }, 'name'],
      ['a name of 101 characters', { name: 'x'.repeat(101) }, 'name'],
      ['a committee group without a committee', { kind: 'COMMITTEE' }, 'committeeId'],
      ['an interest group with a committee', { committeeId: randomUUID() }, 'committeeId'],
      ['an open committee group', { kind: 'COMMITTEE', committeeId: randomUUID(), open: true }, 'open'],
      ['a malformed committee id', { kind: 'COMMITTEE', committeeId: 'festkomiteen' }, 'committeeId'],
    ])('rejects %s as BAD_USER_INPUT on the field', async (_case, input, field) => {
      await expect(create(board, input)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
    });

    it('residents may not mirror a committee; externals, integrations and strangers create nothing', async () => {
      await expect(create(resident, { kind: 'COMMITTEE', committeeId: randomUUID() })).rejects.toMatchObject(code('FORBIDDEN'));
      await expect(create(viewerIn(association, 'external'), {})).rejects.toMatchObject(code('FORBIDDEN'));
      const integration: Viewer = { ...resident, memberId: null, role: null, integration: { apiKeyId: randomUUID(), scopes: ['members:read'] } };
      await expect(create(integration, {})).rejects.toMatchObject(code('FORBIDDEN'));
      await expect(create(null, {})).rejects.toMatchObject(code('UNAUTHENTICATED'));
    });
  });

  describe('joining', () => {
    const association = randomUUID();
    const board = viewerIn(association, 'board');
    const founder = viewerIn(association);
    let hage: GroupRow;
    let strikk: GroupRow;

    beforeAll(async () => {
      hage = await create(founder, { name: 'Hagegruppa' });
      strikk = await create(founder, { name: 'Strikkeklubben', open: false });
    });

    it('an open group takes a resident in at once and announces the new member; joining again changes nothing', async () => {
      const ola = viewerIn(association);
      expect((await join(ola, hage.id)).outcome).toBe('joined');
      expect((await join(ola, hage.id)).outcome).toBe('joined');
      expect(await memberIds(founder, hage)).toContain(ola.memberId);
      const added = (await events(association)).filter((e) => e.topic === 'group.member_added');
      expect(added).toEqual([{ topic: 'group.member_added', payload: { groupId: hage.id, memberId: ola.memberId, role: 'member', addedByMemberId: null } }]);
    });

    it('a closed group gets a request the admins see and are told about; the member waits', async () => {
      const aase = viewerIn(association);
      expect((await join(aase, strikk.id)).outcome).toBe('requested');
      expect((await join(aase, strikk.id)).outcome).toBe('requested');
      const ctx = bed.contextFor(aase);
      expect(await service().viewerIsMember(ctx, strikk)).toBe(false);
      expect(await service().viewerHasRequested(ctx, strikk)).toBe(true);

      const requests = await pending(founder, strikk);
      expect(requests!.map((r) => r.memberId)).toEqual([aase.memberId]);
      expect(await pending(board, strikk)).toHaveLength(1);
      // Who asked is the admins' business: not the asker's, nor other members'.
      expect(await pending(aase, strikk)).toBeNull();
      const requested = (await events(association)).filter((e) => e.topic === 'group.join_requested');
      expect(requested).toEqual([
        {
          topic: 'group.join_requested',
          payload: { groupId: strikk.id, requestId: requests![0]!.id, memberId: aase.memberId, recipients: [founder.memberId] },
        },
      ]);
    });

    it('an admin approves a request: the member is in and announced, and the request cannot be answered again', async () => {
      const per = viewerIn(association);
      await join(per, strikk.id);
      const request = (await pending(founder, strikk))!.find((r) => r.memberId === per.memberId)!;
      const result = await decide(founder, request.id, 'APPROVE');
      expect(result.request).toMatchObject({ decision: 'approved', decidedByMemberId: founder.memberId });
      expect(result.member).toMatchObject({ memberId: per.memberId, role: 'member', addedByMemberId: founder.memberId });
      expect(await memberIds(per, strikk)).toContain(per.memberId);
      expect((await pending(founder, strikk))!.map((r) => r.memberId)).not.toContain(per.memberId);
      expect((await events(association)).at(-1)).toEqual({
        topic: 'group.member_added',
        payload: { groupId: strikk.id, memberId: per.memberId, role: 'member', addedByMemberId: founder.memberId },
      });
      await expect(decide(founder, request.id, 'DECLINE')).rejects.toMatchObject(code('CONFLICT'));
    });

    it('a declined member stays out and may ask again', async () => {
      const ingrid = viewerIn(association);
      await join(ingrid, strikk.id);
      const request = (await pending(board, strikk))!.find((r) => r.memberId === ingrid.memberId)!;
      expect((await decide(board, request.id, 'DECLINE')).member).toBeNull();
      expect(await service().viewerIsMember(bed.contextFor(ingrid), strikk)).toBe(false);
      expect(await service().viewerHasRequested(bed.contextFor(ingrid), strikk)).toBe(false);
      expect((await join(ingrid, strikk.id)).outcome).toBe('requested');
    });

    it('only those who run the group answer requests', async () => {
      const asker = viewerIn(association);
      await join(asker, strikk.id);
      const request = (await pending(founder, strikk))!.find((r) => r.memberId === asker.memberId)!;
      await expect(decide(asker, request.id, 'APPROVE')).rejects.toMatchObject(code('FORBIDDEN'));
      await expect(decide(viewerIn(association), request.id, 'APPROVE')).rejects.toMatchObject(code('FORBIDDEN'));
      await expect(decide(founder, randomUUID(), 'APPROVE')).rejects.toMatchObject(code('NOT_FOUND'));
    });

    it('the board joins a closed group without asking; externals may not join', async () => {
      expect((await join(board, strikk.id)).outcome).toBe('joined');
      await expect(join(viewerIn(association, 'external'), hage.id)).rejects.toMatchObject(code('FORBIDDEN'));
    });

    it('leaving withdraws a waiting request, or ends the membership; with neither it is NOT_FOUND', async () => {
      const ola = viewerIn(association);
      await join(ola, strikk.id);
      await leave(ola, strikk.id);
      expect(await service().viewerHasRequested(bed.contextFor(ola), strikk)).toBe(false);
      await join(ola, hage.id);
      await leave(ola, hage.id);
      expect(await memberIds(founder, hage)).not.toContain(ola.memberId);
      await expect(leave(ola, hage.id)).rejects.toMatchObject(code('NOT_FOUND'));
    });

    it('opening a closed group lets in everyone who asked', async () => {
      const group = await create(founder, { name: 'Bokklubben', open: false });
      const [a, b] = [viewerIn(association), viewerIn(association)];
      await join(a, group.id);
      await join(b, group.id);
      const opened = await service().updateGroup(bed.contextFor(founder), { groupId: group.id, open: true });
      expect(opened.open).toBe(true);
      expect(await memberIds(founder, opened)).toEqual(expect.arrayContaining([a.memberId, b.memberId]));
      expect(await pending(founder, opened)).toEqual([]);
    });
  });

  describe('running a group', () => {
    const association = randomUUID();
    const board = viewerIn(association, 'board');
    const founder = viewerIn(association);
    const [ola, kari] = [viewerIn(association), viewerIn(association)];
    let group: GroupRow;

    beforeAll(async () => {
      group = await create(founder, { name: 'Sykkelgruppa' });
      await join(ola, group.id);
    });

    it('keeps an admin: the only one can neither leave, be removed nor step down', async () => {
      await expect(leave(founder, group.id)).rejects.toMatchObject(code('CONFLICT'));
      await expect(remove(board, group.id, founder.memberId)).rejects.toMatchObject(code('CONFLICT'));
      await expect(setRole(founder, group.id, founder.memberId, 'MEMBER')).rejects.toMatchObject(code('CONFLICT'));
    });

    it('an admin appoints another admin, who then runs the group, and may leave afterwards', async () => {
      const { member } = await setRole(founder, group.id, ola.memberId, 'ADMIN');
      expect(member).toMatchObject({ memberId: ola.memberId, role: 'admin' });
      expect(await service().viewerIsAdmin(bed.contextFor(ola), group)).toBe(true);
      await leave(founder, group.id);
      expect(await memberIds(ola, group)).toEqual([ola.memberId]);
    });

    it('admins and the board add and remove members; members may not', async () => {
      const { member } = await add(ola, group.id, kari.memberId);
      expect(member).toMatchObject({ role: 'member', addedByMemberId: ola.memberId });
      await expect(add(ola, group.id, kari.memberId)).rejects.toMatchObject(code('CONFLICT'));
      const outsider = viewerIn(association);
      await expect(add(kari, group.id, outsider.memberId)).rejects.toMatchObject(code('FORBIDDEN'));
      await expect(remove(kari, group.id, ola.memberId)).rejects.toMatchObject(code('FORBIDDEN'));
      await expect(setRole(kari, group.id, kari.memberId, 'ADMIN')).rejects.toMatchObject(code('FORBIDDEN'));
      await add(board, group.id, outsider.memberId, 'ADMIN');
      await remove(board, group.id, outsider.memberId);
      await expect(remove(board, group.id, outsider.memberId)).rejects.toMatchObject(code('NOT_FOUND'));
      expect(await memberIds(board, group)).toEqual([ola.memberId, kari.memberId]);
    });

    it('admins stepping each other down at the same moment leave one admin, not none', async () => {
      // Many pairs at once, so that the two changes of a pair really overlap in the database.
      const pairs = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const [a, b] = [viewerIn(association), viewerIn(association)];
          const pair = await create(a, { name: `Duo ${i}` });
          await add(a, pair.id, b.memberId, 'ADMIN');
          return { pair, a, b };
        }),
      );
      const results = await Promise.allSettled(
        pairs.flatMap(({ pair, a, b }) => [setRole(a, pair.id, b.memberId, 'MEMBER'), setRole(b, pair.id, a.memberId, 'MEMBER')]),
      );
      // The second of each pair waits for the first, and by then is no admin any more.
      expect(results.filter((r) => r.status === 'rejected').every((r) => r.reason.extensions.code === 'FORBIDDEN')).toBe(true);
      for (const { pair } of pairs) {
        const roles = (await service().listMembers(bed.contextFor(board), pair, 10, null))!.nodes.map((m) => m.role);
        expect(roles.sort()).toEqual(['admin', 'member']);
      }
    });

    it('adding someone who asked answers their request', async () => {
      const closed = await create(founder, { name: 'Vinklubben', open: false });
      const asker = viewerIn(association);
      await join(asker, closed.id);
      await add(founder, closed.id, asker.memberId);
      expect(await pending(founder, closed)).toEqual([]);
      expect(await service().viewerIsMember(bed.contextFor(asker), closed)).toBe(true);
    });

    it('members and outsiders may not edit or archive it', async () => {
      await expect(service().updateGroup(bed.contextFor(kari), { groupId: group.id, name: 'Mitt' })).rejects.toMatchObject(code('FORBIDDEN'));
      await expect(service().archiveGroup(bed.contextFor(viewerIn(association)), { groupId: group.id })).rejects.toMatchObject(code('FORBIDDEN'));
      const renamed = await service().updateGroup(bed.contextFor(ola), { groupId: group.id, name: ' Sykkelklubben ', description: 'Hver tirsdag' });
      expect(renamed).toMatchObject({ name: 'Sykkelklubben', description: 'Hver tirsdag', open: true });
    });

    it('an archived group is still readable by its members but no longer changes', async () => {
      const archived = await service().archiveGroup(bed.contextFor(board), { groupId: group.id });
      expect(archived.archivedAt).toBeInstanceOf(Date);
      const again = await service().archiveGroup(bed.contextFor(ola), { groupId: group.id });
      expect(again.archivedAt).toEqual(archived.archivedAt);
      const newcomer = viewerIn(association);
      await expect(join(newcomer, group.id)).rejects.toMatchObject(code('CONFLICT'));
      await expect(leave(kari, group.id)).rejects.toMatchObject(code('CONFLICT'));
      await expect(add(ola, group.id, newcomer.memberId)).rejects.toMatchObject(code('CONFLICT'));
      await expect(service().updateGroup(bed.contextFor(ola), { groupId: group.id, name: 'Ny' })).rejects.toMatchObject(code('CONFLICT'));
      expect(await service().group(bed.contextFor(kari), group.id)).toMatchObject({ name: 'Sykkelklubben' });
      expect(await memberIds(kari, archived)).toEqual([ola.memberId, kari.memberId]);
      // Its posts stay readable to its members, so it stays among their groups for the audience rules.
      expect(await service().groupIdsOf(kari)).toContain(group.id);
    });
  });

  describe('committee groups', () => {
    const association = randomUUID();
    const committeeId = randomUUID();
    const board = viewerIn(association, 'board');
    const seated = viewerIn(association, 'resident', { committeeIds: [committeeId] });
    const resident = viewerIn(association);
    let fest: GroupRow;

    beforeAll(async () => {
      fest = await create(board, { kind: 'COMMITTEE', name: 'Festkomiteen', committeeId });
    });

    it('hold whoever sits on the committee, as the access token says', async () => {
      expect(await service().viewerIsMember(bed.contextFor(seated), fest)).toBe(true);
      expect(await service().viewerIsMember(bed.contextFor(resident), fest)).toBe(false);
      expect(await service().groupIdsOf(seated)).toEqual([fest.id]);
      expect(await service().groupIdsOf(resident)).toEqual([]);
    });

    it('cannot be joined, left or have members added here', async () => {
      await expect(join(resident, fest.id)).rejects.toMatchObject(code('CONFLICT'));
      await expect(leave(seated, fest.id)).rejects.toMatchObject(code('CONFLICT'));
      await expect(add(board, fest.id, resident.memberId)).rejects.toMatchObject(code('CONFLICT'));
      await expect(service().updateGroup(bed.contextFor(board), { groupId: fest.id, open: true })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'open' },
      });
    });

    it('are run by the board only, not by the committee members', async () => {
      expect(await service().viewerIsAdmin(bed.contextFor(seated), fest)).toBe(false);
      expect(await service().viewerIsAdmin(bed.contextFor(board), fest)).toBe(true);
      await expect(service().archiveGroup(bed.contextFor(seated), { groupId: fest.id })).rejects.toMatchObject(code('FORBIDDEN'));
    });
  });

  describe('listing', () => {
    const association = randomUUID();
    const committeeId = randomUUID();
    const board = viewerIn(association, 'board');
    const ola = viewerIn(association, 'resident', { committeeIds: [committeeId] });
    const names = (page: { nodes: GroupRow[] }) => page.nodes.map((g) => g.name);

    beforeAll(async () => {
      const hage = await create(board, { name: 'Hagegruppa' });
      await create(board, { name: 'Bokklubben' });
      await create(board, { kind: 'COMMITTEE', name: 'Festkomiteen', committeeId });
      const old = await create(board, { name: 'Akvarium' });
      await service().archiveGroup(bed.contextFor(board), { groupId: old.id });
      await join(ola, hage.id);
    });

    it('lists the groups by name in cursor pages, archived ones only when asked', async () => {
      const first = await service().listGroups(ola, 2, null, null);
      expect(names(first)).toEqual(['Bokklubben', 'Festkomiteen']);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const second = await service().listGroups(ola, 2, first.pageInfo.endCursor, null);
      expect(names(second)).toEqual(['Hagegruppa']);
      expect(second.pageInfo.hasNextPage).toBe(false);
      expect(names(await service().listGroups(ola, 10, null, { includeArchived: true }))).toEqual(['Akvarium', 'Bokklubben', 'Festkomiteen', 'Hagegruppa']);
    });

    it('filters by kind, and by the groups the viewer is in, seats on committees included', async () => {
      expect(names(await service().listGroups(ola, 10, null, { kind: 'committee' }))).toEqual(['Festkomiteen']);
      expect(names(await service().listGroups(ola, 10, null, { joinedOnly: true }))).toEqual(['Festkomiteen', 'Hagegruppa']);
      expect(names(await service().listGroups(board, 10, null, { joinedOnly: true }))).toEqual(['Bokklubben', 'Hagegruppa']);
    });

    it('refuses a forged cursor as BAD_USER_INPUT on after', async () => {
      await expect(service().listGroups(ola, 10, 'bm9wZQ', null)).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'after' },
      });
    });

    it('shows an open group’s members to residents but a closed group’s only to its members and the board', async () => {
      const closed = await create(board, { name: 'Styrerommet', open: false });
      const resident = viewerIn(association);
      expect(await memberIds(resident, closed)).toBeNull();
      expect(await memberIds(board, closed)).toEqual([board.memberId]);
      const open = await create(board, { name: 'Turgruppa' });
      expect(await memberIds(resident, open)).toEqual([board.memberId]);
      expect(await memberIds(viewerIn(association, 'external'), open)).toBeNull();
    });

    it('pages through a group’s members longest-standing first', async () => {
      const group = await create(board, { name: 'Korpset' });
      const joiners = [viewerIn(association), viewerIn(association), viewerIn(association)];
      for (const joiner of joiners) await join(joiner, group.id);
      const ctx = bed.contextFor(board);
      const first = await service().listMembers(ctx, group, 2, null);
      expect(first!.nodes.map((m) => m.memberId)).toEqual([board.memberId, joiners[0]!.memberId]);
      const second = await service().listMembers(ctx, group, 2, first!.pageInfo.endCursor);
      expect(second!.nodes.map((m) => m.memberId)).toEqual([joiners[1]!.memberId, joiners[2]!.memberId]);
      expect(second!.pageInfo.hasNextPage).toBe(false);
    });
  });

  describe('through GraphQL', () => {
    const association = randomUUID();
    const board = viewerIn(association, 'board');
    const resident = viewerIn(association);

    it('creates, joins and answers in the schema’s own terms', async () => {
      const created = await bed.execute(
        board,
        `mutation { createGroup(input: { kind: INTEREST, name: "Strikkeklubben", open: false }) {
          group { id kind open archived memberCount viewerIsMember viewerIsAdmin createdBy { id } } } }`,
      );
      expect(created.errors).toBeUndefined();
      const group = (created.data!.createGroup as { group: Record<string, unknown> }).group;
      expect(group).toMatchObject({ kind: 'INTEREST', open: false, archived: false, memberCount: 1, viewerIsMember: true, viewerIsAdmin: true });
      expect(group.createdBy).toEqual({ id: board.memberId });

      const joined = await bed.execute(
        resident,
        `mutation($id: ID!) { joinGroup(input: { groupId: $id }) { outcome group { viewerIsMember viewerHasRequestedToJoin members { nodes { role } } pendingRequests { nodes { id } } } } }`,
        { id: group.id },
      );
      expect(joined.errors).toBeUndefined();
      expect(joined.data!.joinGroup).toEqual({
        outcome: 'REQUESTED',
        group: { viewerIsMember: false, viewerHasRequestedToJoin: true, members: null, pendingRequests: null },
      });

      const another = viewerIn(association);
      await bed.execute(another, `mutation($id: ID!) { joinGroup(input: { groupId: $id }) { outcome } }`, { id: group.id });
      const requests = await bed.execute(
        board,
        `query($id: ID!) { group(id: $id) { pendingRequests(first: 1) { totalCount nodes { id member { id } group { id } } } } }`,
        { id: group.id },
      );
      const pending = (requests.data!.group as { pendingRequests: { totalCount: number; nodes: { id: string; member: { id: string } }[] } }).pendingRequests;
      // The badge counts every waiting request, not only this page's.
      expect(pending.totalCount).toBe(2);
      const [request] = pending.nodes;
      expect(request!.member.id).toBe(resident.memberId);

      const decided = await bed.execute(
        board,
        `mutation($id: ID!) { decideGroupJoinRequest(input: { requestId: $id, decision: APPROVE }) {
          member { role member { id } } group { memberCount members { nodes { role member { id } } } } } }`,
        { id: request!.id },
      );
      expect(decided.errors).toBeUndefined();
      expect(decided.data!.decideGroupJoinRequest).toEqual({
        member: { role: 'MEMBER', member: { id: resident.memberId } },
        group: {
          memberCount: 2,
          members: {
            nodes: [
              { role: 'ADMIN', member: { id: board.memberId } },
              { role: 'MEMBER', member: { id: resident.memberId } },
            ],
          },
        },
      });
    });

    it('shows a group’s own posts to its members and the board, to nobody else, also once archived', async () => {
      const group = await create(resident, { name: 'Hagegruppa' });
      const other = await create(resident, { name: 'Annen gruppe' });
      await bed.contextFor(resident).posts.createPost(resident, { title: 'Planting', body: 'Søndag kl. 12', audience: { kind: 'GROUP', id: group.id } });
      await bed.contextFor(resident).posts.createPost(resident, { title: 'Annet', body: 'Ikke her', audience: { kind: 'GROUP', id: other.id } });
      await bed.contextFor(resident).posts.createPost(resident, { title: 'Til alle', body: 'Ikke her heller' });
      await service().archiveGroup(bed.contextFor(board), { groupId: group.id });
      const query = `query($id: ID!) { group(id: $id) { posts(first: 10) { nodes { title } } } }`;
      const titles = async (viewer: Viewer) => {
        const result = await bed.execute(viewer, query, { id: group.id });
        expect(result.errors).toBeUndefined();
        return (result.data!.group as { posts: { nodes: { title: string }[] } }).posts.nodes.map((p) => p.title);
      };
      expect(await titles(resident)).toEqual(['Planting']);
      expect(await titles(board)).toEqual(['Planting']);
      expect(await titles(viewerIn(association))).toEqual([]);
    });

    it('resolves Group references within the viewer’s association only', async () => {
      const group = await create(board, { name: 'Referanse' });
      const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Group { name } } }`;
      const reps = [{ __typename: 'Group', id: group.id }];
      expect((await bed.execute(resident, query, { reps })).data!._entities).toEqual([{ name: 'Referanse' }]);
      expect((await bed.execute(viewerIn(randomUUID()), query, { reps })).data!._entities).toEqual([null]);
    });

    describe('a page of groups', () => {
      const big = randomUUID();
      const reader = viewerIn(big, 'resident', { committeeIds: [] });

      beforeAll(async () => {
        const creators = [viewerIn(big, 'board'), viewerIn(big), viewerIn(big)];
        for (let i = 0; i < 100; i++) {
          const group = await create(creators[i % 3]!, { name: `Gruppe ${String(i).padStart(3, '0')}`, open: i % 2 === 0 });
          if (i % 4 === 0) await join(reader, group.id);
          if (i % 4 === 1) await join(reader, group.id);
        }
      });

      const page = `query($first: Int) { groups(first: $first) { nodes { id name viewerIsMember viewerIsAdmin viewerHasRequestedToJoin memberCount createdBy { id } } } }`;

      it('costs the same number of queries for 20 groups as for 100', async () => {
        const cost = async (first: number) => {
          const before = bed.db.queryCount;
          const result = await bed.execute(reader, page, { first });
          expect(result.errors).toBeUndefined();
          const nodes = (result.data!.groups as { nodes: { viewerIsMember: boolean; viewerHasRequestedToJoin: boolean; memberCount: number }[] }).nodes;
          expect(nodes).toHaveLength(first);
          expect(nodes.filter((g) => g.viewerIsMember)).toHaveLength(first / 4);
          expect(nodes.filter((g) => g.viewerHasRequestedToJoin)).toHaveLength(first / 4);
          return bed.db.queryCount - before;
        };
        const twenty = await cost(20);
        expect(twenty).toBeGreaterThan(0);
        expect(await cost(100)).toBe(twenty);
      });
    });
  });

  describe('tenancy', () => {
    const association = randomUUID();
    const board = viewerIn(association, 'board');
    const outsider = viewerIn(randomUUID(), 'board');
    let group: GroupRow;
    let requestId: string;

    beforeAll(async () => {
      group = await create(board, { name: 'Lukket', open: false });
      const asker = viewerIn(association);
      await join(asker, group.id);
      requestId = (await pending(board, group))![0]!.id;
    });

    it('another association neither sees the group nor changes anything in it', async () => {
      const ctx = bed.contextFor(outsider);
      await expect(service().group(ctx, group.id)).rejects.toMatchObject(code('NOT_FOUND'));
      expect((await service().listGroups(outsider, 100, null, { includeArchived: true })).nodes).toEqual([]);
      await expect(join(outsider, group.id)).rejects.toMatchObject(code('NOT_FOUND'));
      await expect(decide(outsider, requestId, 'APPROVE')).rejects.toMatchObject(code('NOT_FOUND'));
      await expect(add(outsider, group.id, outsider.memberId)).rejects.toMatchObject(code('NOT_FOUND'));
      await expect(service().archiveGroup(ctx, { groupId: group.id })).rejects.toMatchObject(code('NOT_FOUND'));
      expect(await service().groupIdsOf(outsider)).toEqual([]);
    });

    it('a malformed group id is NOT_FOUND, not a database error', async () => {
      await expect(service().group(bed.contextFor(board), 'nope')).rejects.toMatchObject(code('NOT_FOUND'));
      await expect(join(board, 'nope')).rejects.toMatchObject(code('NOT_FOUND'));
      await expect(decide(board, 'nope', 'APPROVE')).rejects.toMatchObject(code('NOT_FOUND'));
    });

    it('row-level security hides the rows even from SQL that does not filter by association', async () => {
      expect(await bed.db.tenant(outsider.associationId, (tx) => tx.select().from(groups))).toEqual([]);
      expect(await bed.db.tenant(outsider.associationId, (tx) => tx.select().from(groupMembers))).toEqual([]);
    });

    it('anonymous viewers are UNAUTHENTICATED', async () => {
      await expect(service().listGroups(null, 10, null, null)).rejects.toMatchObject(code('UNAUTHENTICATED'));
      await expect(service().group(bed.contextFor(null), group.id)).rejects.toMatchObject(code('UNAUTHENTICATED'));
      await expect(service().joinGroup(bed.contextFor(null), { groupId: group.id })).rejects.toMatchObject(code('UNAUTHENTICATED'));
    });
  });
});
