-- The log of the retention jobs (decision 0036): one row per run, also a run that removed nothing, with what it
-- removed per table, so the board and operators can see that retention runs and what it did. Written by the kit's
-- runRetention in system scope; the jobs work across associations, so a run belongs to none, and only system scope
-- reads or writes it.
create table reservations.retention_runs (
  id bigint generated always as identity primary key,
  job text not null check (length(job) between 1 and 100),
  started_at timestamptz not null,
  finished_at timestamptz not null check (finished_at >= started_at),
  -- {"<table>": <rows removed>, …}
  rows jsonb not null
);
-- The latest runs of a job, newest first (operators, tests).
create index retention_runs_by_job on reservations.retention_runs (job, started_at desc);

alter table reservations.retention_runs enable row level security;
alter table reservations.retention_runs force row level security;
create policy system_only on reservations.retention_runs using (reservations.in_system_scope());
