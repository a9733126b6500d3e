-- Groups: interest groups residents start and join here, and committee groups that mirror a committee of the
-- members subgraph. Same row-level security as posts.posts (0002 decision: the policy is the second tenancy wall).

-- committee_id names a committee in the members subgraph, so there is no foreign key (see 0001 on
-- author_member_id). A committee group stores no members: they are the committee's current members, which the
-- access token carries (viewer.scope.committeeIds, decision 0010), so they follow the committee's terms by
-- themselves. `open` only means something for interest groups and stays false for committee groups.
-- Archiving keeps the group and its posts readable but freezes it: no joins, membership changes or new posts.
create table posts.groups (
  association_id uuid not null,
  id uuid not null,
  kind text not null check (kind in ('interest', 'committee')),
  name text not null check (length(name) between 1 and 100),
  description text not null default '' check (length(description) <= 2000),
  open boolean not null default false,
  committee_id uuid,
  created_by_member_id uuid not null,
  created_at timestamptz not null default now(),
  archived_at timestamptz,
  primary key (association_id, id),
  check ((kind = 'committee') = (committee_id is not null)),
  check (kind = 'interest' or not open)
);
-- Query.groups: one page of an association's groups by name, after a (name, id) cursor.
create index groups_by_name on posts.groups (association_id, name, id);
-- One group per committee, so createGroup refuses a second mirror; also serves groupIdsOf's committee lookup.
create unique index groups_one_per_committee on posts.groups (association_id, committee_id) where committee_id is not null;

-- Who is in an interest group, and as what. member_id names a membership in the members subgraph (no foreign key).
create table posts.group_members (
  association_id uuid not null,
  group_id uuid not null,
  member_id uuid not null,
  role text not null check (role in ('member', 'admin')),
  -- joined_at keeps milliseconds only because it is the Group.members cursor (see 0001 on published_at).
  joined_at timestamptz(3) not null default now(),
  -- Whoever let the member in: an admin or the board who added them or approved their request; null for a join.
  added_by_member_id uuid,
  -- The primary key also serves Group.memberCount (a batch of groups counted by group_id) and viewerIsMember
  -- (a batch of groups and one member).
  primary key (association_id, group_id, member_id),
  foreign key (association_id, group_id) references posts.groups (association_id, id)
);
-- Group.members: one page of a group's members, longest-standing first, after a (joined_at, member_id) cursor.
create index group_members_by_join on posts.group_members (association_id, group_id, joined_at, member_id);
-- groupIdsOf (audiences of the feed) and Query.groups(filter: {joinedOnly: true}): the groups of one member.
create index group_members_by_member on posts.group_members (association_id, member_id);

-- Requests to join a closed interest group, kept after the decision so admins can see who let whom in.
create table posts.group_join_requests (
  association_id uuid not null,
  id uuid not null,
  group_id uuid not null,
  member_id uuid not null,
  -- requested_at keeps milliseconds only because it is the Group.pendingRequests cursor (see 0001).
  requested_at timestamptz(3) not null default now(),
  -- approved or declined by an admin or the board; withdrawn when the member left before a decision.
  decision text check (decision in ('approved', 'declined', 'withdrawn')),
  decided_at timestamptz,
  decided_by_member_id uuid,
  primary key (association_id, id),
  foreign key (association_id, group_id) references posts.groups (association_id, id),
  check ((decision is null) = (decided_at is null))
);
-- One pending request per member and group; also serves joinGroup's and viewerHasRequestedToJoin's lookup of
-- the member's pending requests.
create unique index group_join_requests_one_pending on posts.group_join_requests (association_id, group_id, member_id)
  where decision is null;
-- Group.pendingRequests: one page of a group's pending requests, oldest first, after a (requested_at, id) cursor.
create index group_join_requests_pending on posts.group_join_requests (association_id, group_id, requested_at, id)
  where decision is null;

alter table posts.groups enable row level security;
alter table posts.groups force row level security;
create policy tenant_isolation on posts.groups
  using (association_id = posts.current_association_id() or posts.in_system_scope());

alter table posts.group_members enable row level security;
alter table posts.group_members force row level security;
create policy tenant_isolation on posts.group_members
  using (association_id = posts.current_association_id() or posts.in_system_scope());

alter table posts.group_join_requests enable row level security;
alter table posts.group_join_requests force row level security;
create policy tenant_isolation on posts.group_join_requests
  using (association_id = posts.current_association_id() or posts.in_system_scope());
