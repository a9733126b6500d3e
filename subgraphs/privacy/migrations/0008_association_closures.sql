-- A terminated association's end (docs/decisions/0037): the copy of all its content (ready within a month,
-- downloadable through a protected link until three months after the end date), then its deletion in every subgraph
-- within 180 days, confirmed in a written receipt. The rows keep no personal data: ids, dates, and per subgraph what
-- it confirmed (table names and counts).

create table privacy.association_closures (
  association_id uuid primary key,
  termination_id uuid not null,
  terminated_on date not null,
  time_zone text not null check (length(time_zone) between 1 and 64),
  -- the association.terminated event, or an operator's command when the event never came
  started_by text not null check (started_by in ('event', 'operator')),
  export_due_on date not null,
  available_until date not null,
  erase_by date not null,
  status text not null check (status in ('exporting', 'ready', 'erasing', 'erased')),
  -- the archive in the file storage, while it is kept
  archive_key text check (length(archive_key) between 1 and 200),
  size_bytes bigint check (size_bytes >= 0),
  ready_at timestamptz,
  erased_at timestamptz,
  -- the written deletion receipt (Markdown, Norwegian and English), once every subgraph confirmed
  receipt_nb text,
  receipt_en text,
  created_at timestamptz not null,
  check ((status = 'erased') = (erased_at is not null))
);
-- The closures job: every closure not yet erased.
create index association_closures_open on privacy.association_closures (status) where status <> 'erased';

-- Each subgraph's part of a closure, export then erasure, with its attempts and what it confirmed.
create table privacy.association_closure_steps (
  association_id uuid not null,
  phase text not null check (phase in ('export', 'erase')),
  subgraph text not null check (length(subgraph) between 1 and 64),
  attempts integer not null default 0,
  last_error text check (length(last_error) <= 500),
  done_at timestamptz,
  -- the subgraph's receipt entries (kit/privacy.ts ReceiptEntry[])
  receipt jsonb,
  primary key (association_id, phase, subgraph)
);

do $$
declare t text;
begin
  foreach t in array array['association_closures', 'association_closure_steps'] loop
    execute format('alter table privacy.%I enable row level security', t);
    execute format('alter table privacy.%I force row level security', t);
    execute format('create policy tenant_isolation on privacy.%I using (association_id = privacy.current_association_id() or privacy.in_system_scope())', t);
  end loop;
end $$;

-- Runs of the closures job are logged with the archive expiry's.
alter table privacy.archive_job_runs drop constraint archive_job_runs_job_check;
alter table privacy.archive_job_runs add constraint archive_job_runs_job_check check (job in ('archive_expiry', 'association_closures'));
