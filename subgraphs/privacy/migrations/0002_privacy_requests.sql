-- Data-subject requests (docs/decisions/0036): a person's (or the board's on their behalf) request to export or erase
-- their data in one association, with its legal deadline (GDPR art. 12(3)), and one step per subgraph that the
-- orchestration job (requests.job.ts) calls until every subgraph has answered.

create table privacy.requests (
  association_id uuid not null,
  id uuid not null,
  kind text not null check (kind in ('export', 'erasure')),
  -- whose data: the member of this association
  subject_member_id uuid not null,
  -- who asked: the person, a board member on their behalf; null when the retention job asked
  requested_by uuid,
  reason text not null check (reason in ('request', 'retention')),
  -- in_progress: steps are running; building: every export step is done and the archive is being built
  status text not null check (status in ('in_progress', 'building', 'completed')),
  received_at timestamptz not null,
  -- the last day to answer, in the association's time zone: one month after receipt, plus any extension
  deadline date not null,
  time_zone text not null check (length(time_zone) between 1 and 64),
  extension_months smallint not null default 0 check (extension_months between 0 and 2),
  extension_reason text check (length(extension_reason) between 1 and 2000),
  extended_by uuid,
  check ((extension_months = 0) = (extension_reason is null)),
  -- erasure: what stays (the association's settings when the request was received) and under whose name
  keep_content text[] check (keep_content <@ array['posts', 'comments', 'documents', 'events']::text[]),
  tombstone_member_id uuid,
  -- the orchestration job's lease, so two privacy processes never work on the same request at once
  leased_until timestamptz,
  completed_at timestamptz,
  primary key (association_id, id)
);
-- One open request of a kind per person: asking again returns the open one (and the retention job asks once).
create unique index requests_one_open on privacy.requests (association_id, subject_member_id, kind) where status <> 'completed';
-- The job: open requests, oldest first, across associations (system scope).
create index requests_open on privacy.requests (received_at) where status <> 'completed';
-- privacyRequests: the board's list, deadline first.
create index requests_by_deadline on privacy.requests (association_id, status, deadline, id);
-- myPrivacyRequests, and erasure: a person's requests.
create index requests_by_subject on privacy.requests (association_id, subject_member_id);

create table privacy.request_steps (
  association_id uuid not null,
  request_id uuid not null,
  subgraph text not null check (subgraph ~ '^[a-z]{1,40}$'),
  status text not null check (status in ('pending', 'done')),
  attempts integer not null default 0 check (attempts >= 0),
  -- what went wrong on the last attempt, for the board: "unreachable", "answered HTTP 503", never a stack trace
  last_error text check (length(last_error) <= 200),
  last_attempt_at timestamptz,
  finished_at timestamptz,
  -- the subgraph's receipt entries (tables, actions, row counts; no personal data)
  receipt jsonb check (receipt is null or jsonb_typeof(receipt) = 'array'),
  primary key (association_id, request_id, subgraph),
  foreign key (association_id, request_id) references privacy.requests (association_id, id) on delete cascade
);

do $$
declare t text;
begin
  foreach t in array array['requests', 'request_steps'] loop
    execute format('alter table privacy.%I enable row level security', t);
    execute format('alter table privacy.%I force row level security', t);
    execute format('create policy tenant_isolation on privacy.%I using (association_id = privacy.current_association_id() or privacy.in_system_scope())', t);
  end loop;
end $$;
