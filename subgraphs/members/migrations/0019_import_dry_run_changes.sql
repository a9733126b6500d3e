-- A dry run's report lists what the import would change (issue 16, decision 0046), not only counts: up to 500
-- entries [{ kind, line, memberId, name, unitId, moveOut }] in row order, then the full sync's move-outs;
-- `changes_truncated` says there were more. An existing member is named by id only (their name is read when the
-- report is, and erasing them removes their entries); `name` is the import row's, for a person it would add.
alter table members.import_jobs
  add column changes jsonb not null default '[]',
  add column changes_truncated boolean not null default false;
