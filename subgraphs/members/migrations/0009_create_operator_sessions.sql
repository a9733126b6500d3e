-- Sessions of platform operators who belong to no association (docs/decisions/0030). Their refresh tokens cannot
-- live in members.refresh_tokens, which is keyed on the association and points at a membership; these belong to an
-- account alone, so, like accounts, only system scope (login, refresh, logout) reaches them. Stored only as hex
-- SHA-256 hashes; a family is one login's chain of rotated tokens, as in refresh_tokens.
create table members.operator_refresh_tokens (
  id uuid primary key,
  family_id uuid not null,
  account_id uuid not null references members.accounts (id),
  token_hash text not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
-- refreshSession / logout: find the presented token
create unique index operator_refresh_tokens_hash_key on members.operator_refresh_tokens (token_hash);
-- reuse detection and logout: revoke every token of a family
create index operator_refresh_tokens_by_family on members.operator_refresh_tokens (family_id);
-- a password set or changed: end every session of the account
create index operator_refresh_tokens_by_account on members.operator_refresh_tokens (account_id);
alter table members.operator_refresh_tokens enable row level security;
alter table members.operator_refresh_tokens force row level security;
create policy system_only on members.operator_refresh_tokens using (members.in_system_scope());
