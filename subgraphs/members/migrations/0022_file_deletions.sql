-- Stored portrait bytes no row names any more (replaced, removed, erased: decision 0047 review fix 2), queued in the
-- same transaction that changed or deleted the row, as posts' file_deletions. The bytes are deleted after the commit
-- and the key forgotten once that succeeded; a storage that fails leaves the key, and the portrait-deletions job
-- tries again, so a person's bytes are never forgotten in storage.
create table members.file_deletions (
  association_id uuid not null,
  -- `<association>/<file>/<variant>` (kit file-storage keys)
  storage_key text not null check (length(storage_key) between 1 and 300),
  queued_at timestamptz not null default now(),
  -- The primary key also serves forgetting one key once its object is deleted.
  primary key (association_id, storage_key)
);
-- The portrait-deletions job and an erasure: the keys still to delete, oldest first.
create index file_deletions_by_age on members.file_deletions (queued_at);

alter table members.file_deletions enable row level security;
alter table members.file_deletions force row level security;
create policy tenant_isolation on members.file_deletions
  using (association_id = members.current_association_id() or members.in_system_scope());
