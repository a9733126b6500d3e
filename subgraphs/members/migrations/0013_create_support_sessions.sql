-- Support sessions (decision 0030): a platform operator enters one association, for a while and with a reason, and
-- every operation they run in it is logged. Both tables belong to the association, whose board reads them.

create table members.support_sessions (
  association_id uuid not null references members.associations (id),
  id uuid not null,
  account_id uuid not null references members.accounts (id),
  -- The operator's login e-mail when the session opened: what the board sees, even after the account changes.
  operator_email text not null,
  reason text not null check (length(reason) between 10 and 500),
  opened_at timestamptz not null,
  expires_at timestamptz not null check (expires_at > opened_at),
  closed_at timestamptz,
  primary key (association_id, id)
);
-- Association.supportAccess: the association's sessions, newest first
create index support_sessions_by_opening on members.support_sessions (association_id, opened_at desc, id desc);
-- closeSupportSession and the gateway's record call: the session by id alone, in system scope
create unique index support_sessions_id_key on members.support_sessions (id);
alter table members.support_sessions enable row level security;
alter table members.support_sessions force row level security;
create policy tenant_isolation on members.support_sessions
  using (association_id = members.current_association_id() or members.in_system_scope());

create table members.support_access_log (
  association_id uuid not null,
  id uuid not null,
  support_session_id uuid not null,
  at timestamptz not null,
  operation_type text not null check (operation_type in ('query', 'mutation', 'subscription')),
  operation_name text check (length(operation_name) <= 200),
  fields text[] not null check (cardinality(fields) <= 50),
  primary key (association_id, id),
  foreign key (association_id, support_session_id) references members.support_sessions (association_id, id)
);
-- SupportSession.entries: one session's operations, newest first
create index support_access_log_by_session on members.support_access_log (association_id, support_session_id, at desc, id desc);
alter table members.support_access_log enable row level security;
alter table members.support_access_log force row level security;
create policy tenant_isolation on members.support_access_log
  using (association_id = members.current_association_id() or members.in_system_scope());
