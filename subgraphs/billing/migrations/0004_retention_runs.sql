-- The log of billing's retention job (decision 0036): one row per run, also a run that removed nothing, with what it
-- removed per table. Written by the kit's runRetention in system scope; the job works across associations, so a run
-- belongs to none, and only system scope reads or writes it.
create table billing.retention_runs (
  id bigint generated always as identity primary key,
  job text not null check (length(job) between 1 and 100),
  started_at timestamptz not null,
  finished_at timestamptz not null check (finished_at >= started_at),
  -- {"<table>": <rows removed>, …}
  rows jsonb not null
);
-- The latest runs of a job, newest first (operators, tests).
create index retention_runs_by_job on billing.retention_runs (job, started_at desc);

alter table billing.retention_runs enable row level security;
alter table billing.retention_runs force row level security;
create policy system_only on billing.retention_runs using (billing.in_system_scope());

-- The retention job: invoices by the day they were issued, across associations (the five years after their fiscal year).
create index invoices_by_issued_on on billing.invoices (issued_on);
