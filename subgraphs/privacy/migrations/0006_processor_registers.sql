-- The provider's registers as data processor (docs/decisions/0040; the data-processing agreement): the
-- sub-processors every association's data may reach, their changes announced ahead with the associations'
-- objections, and the breach register with its 24-hour and 72-hour clocks.

-- Every version of every sub-processor, appended and never overwritten: the register in force on a day is the latest
-- version of each with effective_on on or before it (subprocessors.rules.ts inForce), so history is the table itself.
-- Nobody's data; every association reads it, only the operators' system scope writes.
create table privacy.subprocessor_changes (
  id uuid primary key,
  -- the sub-processor this version belongs to, the same across its versions
  subprocessor_id uuid not null,
  change text not null check (change in ('added', 'changed', 'removed')),
  name text not null check (length(name) between 1 and 200),
  purpose_nb text not null check (length(purpose_nb) between 1 and 1000),
  purpose_en text not null check (length(purpose_en) between 1 and 1000),
  -- where the data is processed, e.g. "USA", "Ireland (EU)"
  country text not null check (length(country) between 2 and 100),
  data_categories text[] not null check (cardinality(data_categories) between 1 and 50),
  -- the transfer basis outside the EEA (GDPR chapter V), or that none is needed
  transfer_mechanism text not null check (length(transfer_mechanism) between 1 and 500),
  effective_on date not null,
  announced_at timestamptz not null default now(),
  -- the last day associations may object; null for the register the agreement started with (its appendix 2)
  objection_deadline date,
  emergency boolean not null default false,
  reason text check (length(reason) between 1 and 2000),
  -- the operator's account; null for the initial register
  announced_by uuid,
  check (not emergency or reason is not null)
);
-- subprocessorChanges(first, after): history, newest announcement first
create index subprocessor_changes_by_announcement on privacy.subprocessor_changes (announced_at desc, id desc);

alter table privacy.subprocessor_changes enable row level security;
alter table privacy.subprocessor_changes force row level security;
create policy everyone_reads on privacy.subprocessor_changes for select using (true);
create policy system_writes on privacy.subprocessor_changes using (privacy.in_system_scope());

-- The register Tunet starts with: the push services the notifications subgraph sends through (decision 0017). The
-- hosting, e-mail and SMS providers depend on the deployment, so operators announce them; none is invented here.
insert into privacy.subprocessor_changes
  (id, subprocessor_id, change, name, purpose_nb, purpose_en, country, data_categories, transfer_mechanism, effective_on, announced_at)
values
  ('6f1d4a52-7f0b-4c51-9a36-1e0f0b6a0001', '6f1d4a52-7f0b-4c51-9a36-1e0f0b6a1001', 'added',
   'Google Firebase Cloud Messaging (Google LLC)',
   'Leverer push-varsler til Android-apper og Chrome.',
   'Delivers push notifications to Android apps and Chrome.',
   'USA', array['push endpoint', 'notification title and text'],
   'EU–US Data Privacy Framework (adequacy decision) and EU standard contractual clauses', '2026-01-01', '2026-01-01T00:00:00Z'),
  ('6f1d4a52-7f0b-4c51-9a36-1e0f0b6a0002', '6f1d4a52-7f0b-4c51-9a36-1e0f0b6a1002', 'added',
   'Apple Push Notification service (Apple Inc.)',
   'Leverer push-varsler til iPhone, iPad og Safari.',
   'Delivers push notifications to iPhone, iPad and Safari.',
   'USA', array['push endpoint', 'notification title and text'],
   'EU–US Data Privacy Framework (adequacy decision) and EU standard contractual clauses', '2026-01-01', '2026-01-01T00:00:00Z'),
  ('6f1d4a52-7f0b-4c51-9a36-1e0f0b6a0003', '6f1d4a52-7f0b-4c51-9a36-1e0f0b6a1003', 'added',
   'Browser push services (Mozilla, Google, Apple, Microsoft)',
   'Leverer web push-varsler; tjenesten er den som hører til personens nettleser.',
   'Delivers web push notifications; the service is the one of the person''s browser.',
   'USA', array['push endpoint', 'notification title and text'],
   'Per browser vendor: EU–US Data Privacy Framework (adequacy decision) or EU standard contractual clauses', '2026-01-01', '2026-01-01T00:00:00Z');

-- An association's objection to an announced change, made by its board within the objection period.
create table privacy.subprocessor_objections (
  association_id uuid not null,
  id uuid not null,
  change_id uuid not null references privacy.subprocessor_changes (id),
  reason text not null check (length(reason) between 10 and 2000),
  -- the board member who objected; null once that member is erased
  objected_by uuid,
  objected_at timestamptz not null default now(),
  primary key (association_id, id),
  -- one objection per association and change (a second is CONFLICT)
  unique (association_id, change_id)
);
-- SubprocessorChange.objections for operators: every association's objection to a change
create index subprocessor_objections_by_change on privacy.subprocessor_objections (change_id);

-- A personal-data breach as the provider records it: operators only (no tenant reads it; each affected association
-- reads its own notice below).
create table privacy.breaches (
  id uuid primary key,
  suspected_at timestamptz not null,
  description text not null check (length(description) between 1 and 4000),
  data_categories text[] not null check (cardinality(data_categories) between 1 and 50),
  recorded_at timestamptz not null default now(),
  -- the operator's account
  recorded_by uuid not null
);
-- breaches(first, after) for operators: newest suspicion first
create index breaches_by_suspicion on privacy.breaches (suspected_at desc, id desc);

alter table privacy.breaches enable row level security;
alter table privacy.breaches force row level security;
create policy system_only on privacy.breaches using (privacy.in_system_scope());

-- One affected association's side of a breach, with both clocks: the provider's 24 hours to tell it (from the
-- suspicion), and the association's 72 hours to tell Datatilsynet (from when it was told). The breach's facts are
-- copied so the board reads its own row only.
create table privacy.breach_notices (
  association_id uuid not null,
  breach_id uuid not null references privacy.breaches (id),
  suspected_at timestamptz not null,
  description text not null check (length(description) between 1 and 4000),
  data_categories text[] not null,
  notify_due_at timestamptz not null,
  notified_at timestamptz,
  authority_due_at timestamptz,
  -- the board's record: reported to Datatilsynet at, or not reportable with a reason (one or the other)
  reported_to_authority_at timestamptz,
  not_reportable_reason text check (length(not_reportable_reason) between 10 and 2000),
  authority_recorded_at timestamptz,
  -- the board member who recorded it; null once that member is erased
  authority_recorded_by uuid,
  -- when the sweep announced each clock overdue (breach.clock_overdue goes out once per clock)
  notify_overdue_at timestamptz,
  authority_overdue_at timestamptz,
  primary key (association_id, breach_id),
  check ((notified_at is null) = (authority_due_at is null)),
  check (reported_to_authority_at is null or not_reportable_reason is null),
  check ((authority_recorded_at is null) = (reported_to_authority_at is null and not_reportable_reason is null))
);
-- the sweep: notices not told within 24 hours and not yet announced overdue
create index breach_notices_notify_overdue on privacy.breach_notices (notify_due_at)
  where notified_at is null and notify_overdue_at is null;
-- the sweep: told notices without the board's record after 72 hours, not yet announced overdue
create index breach_notices_authority_overdue on privacy.breach_notices (authority_due_at)
  where authority_due_at is not null and authority_recorded_at is null and authority_overdue_at is null;
-- Breach.notices for operators: every association's notice of a breach
create index breach_notices_by_breach on privacy.breach_notices (breach_id);
-- Association.breachNotices: the association's notices, newest suspicion first
create index breach_notices_by_association on privacy.breach_notices (association_id, suspected_at desc, breach_id desc);

do $$
declare t text;
begin
  foreach t in array array['subprocessor_objections', 'breach_notices'] loop
    execute format('alter table privacy.%I enable row level security', t);
    execute format('alter table privacy.%I force row level security', t);
    execute format('create policy tenant_isolation on privacy.%I using (association_id = privacy.current_association_id() or privacy.in_system_scope())', t);
  end loop;
end $$;
