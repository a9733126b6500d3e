-- The log of privacy's retention job (decision 0036): one row per run of the moved-out retention, also a run that
-- asked for nothing, with how many erasure requests it opened. Written by the kit's runRetention in system scope;
-- the job works across associations, so a run belongs to none, and only system scope reads or writes it.
create table privacy.retention_runs (
  id bigint generated always as identity primary key,
  job text not null check (length(job) between 1 and 100),
  started_at timestamptz not null,
  finished_at timestamptz not null check (finished_at >= started_at),
  -- {"requests": <erasure requests opened>}
  rows jsonb not null
);
-- The latest runs of a job, newest first (operators, tests).
create index retention_runs_by_job on privacy.retention_runs (job, started_at desc);

alter table privacy.retention_runs enable row level security;
alter table privacy.retention_runs force row level security;
create policy system_only on privacy.retention_runs using (privacy.in_system_scope());
