-- Associations, units, memberships and login credentials, with row-level security as the second tenancy wall.
-- The runner (packages/kit/src/database.ts) has already created the schema, the role tunet_members, and the
-- functions members.current_association_id() and members.in_system_scope() used by the policies below.

create table members.associations (
  id uuid primary key,
  name text not null check (length(name) between 1 and 200),
  time_zone text not null default 'Europe/Oslo',
  locale text not null default 'nb' check (locale in ('nb', 'en')),
  created_at timestamptz not null default now()
);

-- Credentials belong to a person, not to an association: one login may hold memberships in several.
-- Only system scope (login, refresh) may read them; tenant transactions cannot see credentials at all.
create table members.accounts (
  id uuid primary key,
  email text not null,
  password_hash text not null,
  platform_admin boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- login: find the account by e-mail, case-insensitively
create unique index accounts_email_key on members.accounts (lower(email));

create table members.units (
  association_id uuid not null references members.associations (id),
  id uuid not null,
  building text not null,
  number text not null,
  primary key (association_id, id),
  unique (association_id, building, number)
);

create table members.members (
  association_id uuid not null references members.associations (id),
  id uuid not null,
  account_id uuid not null references members.accounts (id),
  display_name text not null check (length(display_name) between 1 and 200),
  email text,
  role text not null check (role in ('resident', 'board', 'external')),
  unit_id uuid,
  created_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, unit_id) references members.units (association_id, id),
  unique (association_id, account_id)
);
-- Association.members: one page of an association's members ordered by name
create index members_by_name on members.members (association_id, display_name, id);
-- login: the memberships of an account, oldest first
create index members_by_account on members.members (account_id, created_at);

-- Refresh tokens are stored only as hex SHA-256 hashes; a family is one login's chain of rotated tokens.
create table members.refresh_tokens (
  association_id uuid not null references members.associations (id),
  id uuid not null,
  family_id uuid not null,
  account_id uuid not null references members.accounts (id),
  member_id uuid not null,
  token_hash text not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, member_id) references members.members (association_id, id)
);
-- refreshSession / logout: find the presented token
create unique index refresh_tokens_hash_key on members.refresh_tokens (token_hash);
-- reuse detection and logout: revoke every token of a family
create index refresh_tokens_by_family on members.refresh_tokens (family_id);

alter table members.associations enable row level security;
alter table members.associations force row level security;
create policy tenant_isolation on members.associations
  using (id = members.current_association_id() or members.in_system_scope());

alter table members.accounts enable row level security;
alter table members.accounts force row level security;
create policy system_only on members.accounts using (members.in_system_scope());

alter table members.units enable row level security;
alter table members.units force row level security;
create policy tenant_isolation on members.units
  using (association_id = members.current_association_id() or members.in_system_scope());

alter table members.members enable row level security;
alter table members.members force row level security;
create policy tenant_isolation on members.members
  using (association_id = members.current_association_id() or members.in_system_scope());

alter table members.refresh_tokens enable row level security;
alter table members.refresh_tokens force row level security;
create policy tenant_isolation on members.refresh_tokens
  using (association_id = members.current_association_id() or members.in_system_scope());
