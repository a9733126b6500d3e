-- The tamper-evident access log (docs/decisions/0039): reads of a person's personal data by someone else (the board,
-- an integration's key, Tunet support) and every change to it, from members' personal_data.accessed and
-- personal_data.changed events. Each association's entries form one hash chain; people appear in it only as
-- pseudonyms, and free-text reasons only as a salted hash, so erasing a person (their pseudonym mapping, their
-- reasons) leaves every hash verifiable.

-- A random id per (association, person): the person is a member, an API key or an operator's account.
create table privacy.pseudonyms (
  association_id uuid not null,
  person_id uuid not null,
  pseudonym uuid not null,
  primary key (association_id, person_id)
);
-- myDataAccess: the actor behind an entry's pseudonym
create unique index pseudonyms_by_pseudonym on privacy.pseudonyms (association_id, pseudonym);

create table privacy.access_log (
  association_id uuid not null,
  -- 1, 2, 3 … per association: the chain's order
  sequence bigint not null check (sequence > 0),
  id uuid not null,
  -- the event the entry came from and its place in it: a redelivered event appends nothing
  source_event_id uuid not null,
  source_index int not null,
  subject_pseudonym uuid not null,
  -- null for the system (an import, a job)
  actor_pseudonym uuid,
  actor_kind text not null check (actor_kind in ('member', 'api_key', 'operator', 'system')),
  kind text not null check (kind in ('read', 'change')),
  fields text[] not null check (cardinality(fields) between 1 and 64),
  operation text not null check (length(operation) between 1 and 200),
  at timestamptz not null,
  reason_hash text check (reason_hash ~ '^[0-9a-f]{64}$'),
  previous_hash text not null check (previous_hash ~ '^[0-9a-f]{64}$'),
  hash text not null check (hash ~ '^[0-9a-f]{64}$'),
  primary key (association_id, sequence)
);
-- the consumer's redelivery check
create unique index access_log_by_source on privacy.access_log (association_id, source_event_id, source_index);
-- myDataAccess and the export: one person's entries, newest first
create index access_log_by_subject on privacy.access_log (association_id, subject_pseudonym, sequence desc);

-- The last entry of each association's chain. Appending locks this row, so two consumers never fork the chain, and
-- the verifier notices entries deleted from the end.
create table privacy.access_log_heads (
  association_id uuid primary key,
  sequence bigint not null,
  hash text not null
);

-- A reason given for a read (a support session's reason), outside the chain: erased with the person.
create table privacy.access_log_reasons (
  association_id uuid not null,
  sequence bigint not null,
  salt text not null,
  reason text not null check (length(reason) <= 2000),
  primary key (association_id, sequence)
);

do $$
declare t text;
begin
  foreach t in array array['pseudonyms', 'access_log', 'access_log_heads', 'access_log_reasons'] loop
    execute format('alter table privacy.%I enable row level security', t);
    execute format('alter table privacy.%I force row level security', t);
    execute format('create policy tenant_isolation on privacy.%I using (association_id = privacy.current_association_id() or privacy.in_system_scope())', t);
  end loop;
end $$;

-- Append-only for the subgraph: entries are never changed or deleted (only the owner can, and the verifier notices).
revoke update, delete, truncate on privacy.access_log from tunet_privacy;
revoke delete, truncate on privacy.access_log_heads from tunet_privacy;
