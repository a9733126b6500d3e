-- A pending change of the e-mail an account logs in with: confirmed through a one-time link sent to the new
-- address (token stored only as a SHA-256 hash). Accounts are not tenant-owned, so neither is this table:
-- only system scope reaches it.
create table members.email_changes (
  id uuid primary key,
  account_id uuid not null references members.accounts (id),
  new_email text not null,
  token_hash text not null,
  expires_at timestamptz not null,
  confirmed_at timestamptz,
  created_at timestamptz not null default now()
);
-- confirmEmailChange: find the pending change by the token in the link
create unique index email_changes_token_key on members.email_changes (token_hash);
alter table members.email_changes enable row level security;
alter table members.email_changes force row level security;
create policy system_only on members.email_changes using (members.in_system_scope());
