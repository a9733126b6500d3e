-- API keys: the board lets an integration (the property manager's system) call Tunet for one association.
-- The secret is shown once; only its SHA-256 is stored (256 random bits, so a fast hash is enough), with the
-- first characters kept so people can tell their keys apart.
create table members.api_keys (
  association_id uuid not null references members.associations (id),
  id uuid not null,
  name text not null check (length(name) between 1 and 100),
  prefix text not null,
  key_hash text not null,
  scopes text[] not null check (cardinality(scopes) >= 1 and scopes <@ array['members:read', 'members:import']),
  -- No foreign key: erasing the member who created a key must not be blocked by it. Null for a platform admin.
  created_by_member_id uuid,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (association_id, id)
);
-- verification at the gateway's request: find the key by the hash of the presented secret, before any tenant is known
create unique index api_keys_key_hash_key on members.api_keys (key_hash);
-- Association.apiKeys: the board's list, newest first
create index api_keys_by_association on members.api_keys (association_id, created_at desc);
alter table members.api_keys enable row level security;
alter table members.api_keys force row level security;
create policy tenant_isolation on members.api_keys
  using (association_id = members.current_association_id() or members.in_system_scope());
