-- Invitations: the board invites a person by e-mail; the one-time link (token stored only as a SHA-256 hash)
-- lets them set a password. The membership exists from the invitation on, without an account until accepted.
create table members.invitations (
  association_id uuid not null,
  id uuid not null,
  member_id uuid not null,
  email text not null,
  unit_id uuid,
  token_hash text not null,
  expires_at timestamptz not null,
  send_count integer not null default 1,
  invited_by_member_id uuid,
  accepted_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, member_id) references members.members (association_id, id),
  foreign key (association_id, unit_id) references members.units (association_id, id),
  check (accepted_at is null or revoked_at is null)
);
-- acceptInvitation: find the invitation by the token in the link
create unique index invitations_token_key on members.invitations (token_hash);
-- Association.invitations: the board's list, newest first
create index invitations_by_association on members.invitations (association_id, created_at desc);
-- inviteMember: one open invitation per e-mail address in an association
create unique index invitations_one_open_per_email on members.invitations (association_id, lower(email))
  where accepted_at is null and revoked_at is null;
alter table members.invitations enable row level security;
alter table members.invitations force row level security;
create policy tenant_isolation on members.invitations
  using (association_id = members.current_association_id() or members.in_system_scope());
