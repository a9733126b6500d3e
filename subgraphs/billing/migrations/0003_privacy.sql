-- Issue 14 (privacy, docs/decisions/0036): a person erased from an association no longer appears in its billing
-- records. The subscription and the audit entry stay (the association's contract and its history); who made them
-- is removed, and the audit entry says so instead.

-- who started it: null once that person was erased
alter table billing.subscriptions alter column created_by drop not null;

-- when the acting person was erased from the entry (account, member and their ids in the snapshots)
alter table billing.audit_log add column actor_erased_at timestamptz;
alter table billing.audit_log drop constraint audit_log_check;
alter table billing.audit_log add constraint audit_log_actor_known
  check (actor = 'system' or actor_account_id is not null or actor_erased_at is not null);
