import type { Viewer } from '@tunet/kit';
import { ASSOCIATION_X as X, ASSOCIATION_Y as Y, integratorOf, memberOf, PLATFORM_ADMIN } from '../posts.fixtures';
import { canCreateGroup, canJoinGroups, canManageGroup, canReadGroups, canSeeGroupMembers, isGroupMember, type GroupFacts } from './groups.access';

const FESTKOMITEEN = 'e0000000-0000-4000-8000-000000000009';

const open: GroupFacts = { associationId: X, kind: 'interest', open: true, committeeId: null };
const closed: GroupFacts = { ...open, open: false };
const committee: GroupFacts = { associationId: X, kind: 'committee', open: false, committeeId: FESTKOMITEEN };

/**
 * For association X's groups, with no membership of the group: list and read them, create an interest or a
 * committee group, join, run any group (update, archive, answer requests, add/remove members, set roles), and
 * see who is in an open or a closed group.
 */
const matrix: {
  actor: string;
  viewer: Viewer | null;
  read: boolean;
  interest: boolean;
  committee: boolean;
  join: boolean;
  manage: boolean;
  openMembers: boolean;
  closedMembers: boolean;
}[] = [
  { actor: 'anonymous', viewer: null, read: false, interest: false, committee: false, join: false, manage: false, openMembers: false, closedMembers: false },
  {
    actor: 'resident of X',
    viewer: memberOf(X, 'resident'),
    read: true,
    interest: true,
    committee: false,
    join: true,
    manage: false,
    openMembers: true,
    closedMembers: false,
  },
  {
    actor: 'board member of X',
    viewer: memberOf(X, 'board'),
    read: true,
    interest: true,
    committee: true,
    join: true,
    manage: true,
    openMembers: true,
    closedMembers: true,
  },
  {
    actor: 'external of X (caretaker)',
    viewer: memberOf(X, 'external'),
    read: true,
    interest: false,
    committee: false,
    join: false,
    manage: false,
    openMembers: false,
    closedMembers: false,
  },
  {
    actor: 'resident of another association',
    viewer: memberOf(Y, 'resident'),
    read: false,
    interest: false,
    committee: false,
    join: false,
    manage: false,
    openMembers: false,
    closedMembers: false,
  },
  {
    actor: 'board member of another association',
    viewer: memberOf(Y, 'board'),
    read: false,
    interest: false,
    committee: false,
    join: false,
    manage: false,
    openMembers: false,
    closedMembers: false,
  },
  {
    actor: 'integration key of X',
    viewer: integratorOf(X),
    read: false,
    interest: false,
    committee: false,
    join: false,
    manage: false,
    openMembers: false,
    closedMembers: false,
  },
  {
    actor: 'platform admin without membership',
    viewer: PLATFORM_ADMIN,
    read: false,
    interest: false,
    committee: false,
    join: false,
    manage: false,
    openMembers: false,
    closedMembers: false,
  },
];

describe('groups access', () => {
  it.each(matrix)(
    '$actor: read $read, create interest $interest / committee $committee, join $join, manage $manage, see members open $openMembers / closed $closedMembers',
    ({ viewer, read, interest, committee: createCommittee, join, manage, openMembers, closedMembers }) => {
      expect(canReadGroups(viewer, X)).toBe(read);
      expect(canCreateGroup(viewer, X, 'interest')).toBe(interest);
      expect(canCreateGroup(viewer, X, 'committee')).toBe(createCommittee);
      expect(canJoinGroups(viewer, X)).toBe(join);
      for (const group of [open, closed, committee]) expect(canManageGroup(viewer, group, null)).toBe(manage);
      expect(canSeeGroupMembers(viewer, open, null)).toBe(openMembers);
      expect(canSeeGroupMembers(viewer, closed, null)).toBe(closedMembers);
      // Without a row or a seat nobody is in a group, the board included: running a group is not belonging to it.
      for (const group of [open, closed, committee]) expect(isGroupMember(viewer, group, null)).toBe(false);
    },
  );

  describe('within the group', () => {
    const resident = memberOf(X, 'resident');

    it('an admin runs their interest group and sees its members; a member only sees them', () => {
      expect(canManageGroup(resident, closed, 'admin')).toBe(true);
      expect(canManageGroup(resident, closed, 'member')).toBe(false);
      expect(canSeeGroupMembers(resident, closed, 'member')).toBe(true);
      expect(isGroupMember(resident, closed, 'member')).toBe(true);
      expect(isGroupMember(resident, closed, 'admin')).toBe(true);
    });

    it('a row in another association counts for nothing', () => {
      const outsider = memberOf(Y, 'resident');
      expect(isGroupMember(outsider, closed, 'admin')).toBe(false);
      expect(canManageGroup(outsider, closed, 'admin')).toBe(false);
      expect(canSeeGroupMembers(outsider, closed, 'admin')).toBe(false);
    });

    it('a committee group holds whoever sits on the committee, externals included, and no admins of its own', () => {
      const onFestkomiteen = { scope: { committeeIds: [FESTKOMITEEN] } };
      expect(isGroupMember(memberOf(X, 'resident', onFestkomiteen), committee, null)).toBe(true);
      expect(isGroupMember(memberOf(X, 'external', onFestkomiteen), committee, null)).toBe(true);
      expect(isGroupMember(memberOf(X, 'resident', { scope: { committeeIds: ['e0000000-0000-4000-8000-000000000008'] } }), committee, null)).toBe(false);
      expect(isGroupMember(memberOf(Y, 'resident', onFestkomiteen), committee, null)).toBe(false);
      // Its members are listed by the members subgraph, and only the board runs it.
      expect(canSeeGroupMembers(memberOf(X, 'resident', onFestkomiteen), committee, null)).toBe(false);
      expect(canManageGroup(memberOf(X, 'resident', onFestkomiteen), committee, 'admin')).toBe(false);
    });
  });
});
