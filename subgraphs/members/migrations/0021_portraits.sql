-- Portraits uploaded through the file pipeline (docs/decisions/0047): the bytes live in the kit's file storage under
-- `<association>/<file>/<variant>` (the kit storage's key shape), re-encoded without EXIF; the member's row names the stored file. A new
-- upload gets a new file id, so a link (and a cache's copy) never shows another picture than it was made for.
alter table members.members
  add column portrait_file_id uuid,
  add column portrait_content_type text check (portrait_content_type in ('image/jpeg', 'image/png', 'image/webp')),
  add constraint members_portrait_complete check ((portrait_file_id is null) = (portrait_content_type is null));
-- the portrait download (/portraits/<file>/<variant>): whose portrait a signed link names, in system scope
create unique index members_by_portrait_file on members.members (portrait_file_id) where portrait_file_id is not null;

-- The key that signs members' portrait links, made by the first process that needs it, as posts' and operations'
-- own. It belongs to no association: only system scope reads it.
create table members.url_signing_keys (
  name text primary key,
  secret bytea not null check (length(secret) >= 32),
  created_at timestamptz not null default now()
);
alter table members.url_signing_keys enable row level security;
alter table members.url_signing_keys force row level security;
create policy system_only on members.url_signing_keys using (members.in_system_scope());
