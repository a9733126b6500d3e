-- The privacy subgraph (docs/decisions/0036): each association's privacy settings and who changed them. The runner
-- (packages/kit/src/database.ts) has created the schema, the role tunet_privacy, the functions the row-level-security
-- policies call, the outbox and the dead letters. Later migrations add the data-subject requests (0002), the export
-- archives (0003), consents (0004), the access log (0005) and the processor registers (0006, 0007).

-- One row per association that changed a default; an association without a row has the defaults
-- (settings.rules.ts): 12 months' retention after a move-out, posts and documents kept on erasure, no contact.
create table privacy.settings (
  association_id uuid primary key,
  -- months after a resident's last tenure ended before their personal data is erased
  retention_months smallint not null check (retention_months between 1 and 60),
  -- the kinds of content an erased person wrote that stay, attributed to the "Former resident" member
  keep_content text[] not null check (keep_content <@ array['posts', 'comments', 'documents', 'events']::text[]),
  -- the association's privacy contact (often the board's chair or a property manager), shown in exports and notices
  contact_name text check (length(contact_name) between 1 and 200),
  contact_email text check (length(contact_email) between 3 and 254),
  updated_at timestamptz not null default now(),
  -- the board member who changed them last; null when an operator did, or once that member was erased
  updated_by uuid,
  check ((contact_name is null) = (contact_email is null))
);

-- Every change to the settings, with the values before and after: the board sees who changed what.
create table privacy.settings_changes (
  association_id uuid not null,
  id uuid not null,
  at timestamptz not null default now(),
  actor text not null check (actor in ('board', 'operator')),
  -- the board member; null for an operator, or once that member was erased
  actor_member_id uuid,
  before jsonb,
  after jsonb not null,
  primary key (association_id, id)
);
-- Association.privacySettings.changes: an association's changes, newest first.
create index settings_changes_by_time on privacy.settings_changes (association_id, at desc, id desc);
-- Erasure: the changes a member made.
create index settings_changes_by_actor on privacy.settings_changes (association_id, actor_member_id) where actor_member_id is not null;

do $$
declare t text;
begin
  foreach t in array array['settings', 'settings_changes'] loop
    execute format('alter table privacy.%I enable row level security', t);
    execute format('alter table privacy.%I force row level security', t);
    execute format('create policy tenant_isolation on privacy.%I using (association_id = privacy.current_association_id() or privacy.in_system_scope())', t);
  end loop;
end $$;
