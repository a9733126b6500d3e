-- Member imports from the property manager (importMembers): one row per job, holding its progress while it runs
-- and its report once it has finished. The job runs in the process that accepted it and writes its changes in one
-- transaction together with its final status, so a job is either completed with everything written or left
-- running with nothing written. heartbeat_at tells a running job from one whose process died: a job that has not
-- beaten for a while is reported failed (ImportsRepository.findJob). importJob reads by primary key; nothing else
-- queries this table, so it has no other index.
create table members.import_jobs (
  association_id uuid not null references members.associations (id),
  id uuid not null,
  mode text not null check (mode in ('upsert', 'full_sync')),
  dry_run boolean not null,
  all_or_nothing boolean not null,
  status text not null default 'queued' check (status in ('queued', 'running', 'completed', 'failed')),
  total_rows integer not null check (total_rows >= 0),
  processed_rows integer not null default 0,
  created_count integer not null default 0,
  updated_count integer not null default 0,
  moved_out_count integer not null default 0,
  unchanged_count integer not null default 0,
  -- [{ line, field, reason }], in line order
  rejected jsonb not null default '[]',
  -- why a job failed other than by rejected rows; for operators, never shown to the caller
  error text,
  -- the member who started the job, or the API key of the integration, or (platform admin) the account
  created_by uuid not null,
  created_by_kind text not null check (created_by_kind in ('member', 'api_key', 'account')),
  created_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (association_id, id),
  check (processed_rows between 0 and total_rows),
  check ((status in ('completed', 'failed')) = (finished_at is not null))
);
alter table members.import_jobs enable row level security;
alter table members.import_jobs force row level security;
create policy tenant_isolation on members.import_jobs
  using (association_id = members.current_association_id() or members.in_system_scope());
