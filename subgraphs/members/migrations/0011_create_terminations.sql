-- Ending an agreement (terms of service §3, §8, §9; docs/decisions/0034). The board ends it on any day, the provider
-- with 3 months' written notice; after a breach the provider blocks access at once and ends it 7 days later. Access
-- closes on the termination's day (the termination sweep), and at once while blocked.

alter table members.associations drop constraint associations_status_check;
alter table members.associations
  add constraint associations_status_check check (status in ('active', 'blocked', 'terminated')),
  -- Why and since when access is blocked; kept after the termination that follows, cleared by reopening.
  add column blocked_at timestamptz,
  add column blocked_ground text check (blocked_ground in ('illegal_use', 'invalid_legal_details', 'unremedied_breach')),
  add column blocked_reason text check (length(blocked_reason) between 1 and 2000),
  add constraint blocked_has_ground check ((blocked_at is null) = (blocked_ground is null) and (blocked_at is null) = (blocked_reason is null)),
  add constraint blocked_is_recorded check (status <> 'blocked' or blocked_at is not null);

create table members.terminations (
  association_id uuid not null references members.associations (id),
  id uuid not null,
  initiated_by text not null check (initiated_by in ('board', 'provider', 'breach')),
  -- The account that filed it: a board member's, or the operator's.
  requested_by uuid not null references members.accounts (id),
  requested_at timestamptz not null default now(),
  -- The first day without access, in the association's time zone.
  effective_on date not null,
  reason text check (length(reason) between 1 and 2000),
  withdrawn_at timestamptz,
  completed_at timestamptz,
  check (withdrawn_at is null or completed_at is null),
  primary key (association_id, id)
);
-- terminateAgreement / blockAssociation / Association.agreement: at most one open termination per association
create unique index terminations_one_open on members.terminations (association_id)
  where withdrawn_at is null and completed_at is null;
-- the termination sweep: open terminations whose day has come, across associations
create index terminations_due on members.terminations (effective_on)
  where withdrawn_at is null and completed_at is null;
alter table members.terminations enable row level security;
alter table members.terminations force row level security;
create policy tenant_isolation on members.terminations
  using (association_id = members.current_association_id() or members.in_system_scope());

-- The provider's written notices that the association acts against the terms (§8.3): 5 working days to remedy.
create table members.breach_notices (
  association_id uuid not null references members.associations (id),
  id uuid not null,
  description text not null check (length(description) between 1 and 4000),
  noticed_by uuid not null references members.accounts (id),
  noticed_at timestamptz not null default now(),
  -- The last working day to remedy, in the association's time zone.
  remedy_by date not null,
  -- Set when the association is reopened after a block this notice grounded.
  closed_at timestamptz,
  primary key (association_id, id)
);
-- Association.agreement: the association's breach notices, newest first
create index breach_notices_by_association on members.breach_notices (association_id, noticed_at desc);
alter table members.breach_notices enable row level security;
alter table members.breach_notices force row level security;
create policy tenant_isolation on members.breach_notices
  using (association_id = members.current_association_id() or members.in_system_scope());
