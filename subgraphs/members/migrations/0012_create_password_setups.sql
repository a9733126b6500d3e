-- One-time links to set an account's password, as the operator bootstrap command prints them (decision 0030). The
-- token is stored only as a SHA-256 hash; a link works once and until it expires. Accounts belong to no association,
-- so neither do these: only system scope reaches them.
create table members.password_setups (
  id uuid primary key,
  account_id uuid not null references members.accounts (id),
  token_hash text not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
-- setPasswordWithToken: find the link by the token it carries
create unique index password_setups_token_key on members.password_setups (token_hash);
-- create-operator --new-link: the account's earlier unused links stop working
create index password_setups_by_account on members.password_setups (account_id);
alter table members.password_setups enable row level security;
alter table members.password_setups force row level security;
create policy system_only on members.password_setups using (members.in_system_scope());
