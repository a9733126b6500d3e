-- Export archives (docs/decisions/0037): the zip of everything Tunet holds about a person, built when every
-- subgraph answered an export request, downloadable through a short-lived signed link until the archive expires.

-- The key that signs archive download links (src/archives/archive-links.ts). One per deployment, made by the first
-- process that needs it, so every replica verifies what another signed. It belongs to no association: only system
-- scope may read it.
create table privacy.url_signing_keys (
  name text primary key,
  secret bytea not null check (length(secret) >= 32),
  created_at timestamptz not null default now()
);
alter table privacy.url_signing_keys enable row level security;
alter table privacy.url_signing_keys force row level security;
create policy system_only on privacy.url_signing_keys using (privacy.in_system_scope());

-- One archive per export request. The bytes are in the file storage under `<association>/<request>/archive`.
create table privacy.export_archives (
  association_id uuid not null,
  request_id uuid not null,
  -- whose data it holds, and the board member who asked on their behalf (null when the person asked)
  member_id uuid not null,
  requested_by uuid,
  storage_key text not null check (length(storage_key) between 1 and 200),
  size_bytes bigint not null check (size_bytes >= 0),
  ready_at timestamptz not null,
  expires_at timestamptz not null check (expires_at > ready_at),
  primary key (association_id, request_id)
);
-- The expiry job: archives whose time is up, oldest first.
create index export_archives_by_expiry on privacy.export_archives (expires_at);
-- Erasure and export of a person: the archives about them or asked for by them.
create index export_archives_by_member on privacy.export_archives (association_id, member_id);
create index export_archives_by_requester on privacy.export_archives (association_id, requested_by) where requested_by is not null;

alter table privacy.export_archives enable row level security;
alter table privacy.export_archives force row level security;
create policy tenant_isolation on privacy.export_archives
  using (association_id = privacy.current_association_id() or privacy.in_system_scope());

-- Every run of the archive expiry job, with what it deleted: a run that finds nothing writes a row with 0.
-- A run covers every association, so only system scope may read or write it.
create table privacy.archive_job_runs (
  id uuid primary key,
  job text not null check (job in ('archive_expiry')),
  started_at timestamptz not null,
  finished_at timestamptz not null,
  changed integer not null check (changed >= 0)
);
-- The newest runs of a job, for operators and tests.
create index archive_job_runs_by_job on privacy.archive_job_runs (job, started_at desc);
alter table privacy.archive_job_runs enable row level security;
alter table privacy.archive_job_runs force row level security;
create policy system_only on privacy.archive_job_runs using (privacy.in_system_scope());
