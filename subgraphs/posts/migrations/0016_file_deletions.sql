-- Stored objects whose files rows are gone (erasure, retention, a terminated association), queued in the same
-- transaction that deleted the rows. The bytes are deleted from storage after the commit and the row removed once
-- that succeeded; a storage that fails leaves the row, and the daily retention job tries again, so a person's bytes
-- are never forgotten in storage (decision 0036).
create table posts.file_deletions (
  association_id uuid not null,
  -- `<association>/<file>/<variant>` (kit file-storage keys)
  storage_key text not null check (length(storage_key) between 1 and 300),
  queued_at timestamptz not null default now(),
  -- The primary key also serves removing one key once its object is deleted.
  primary key (association_id, storage_key)
);
-- The retention job and an erasure: the keys still to delete, oldest first.
create index file_deletions_by_age on posts.file_deletions (queued_at);

alter table posts.file_deletions enable row level security;
alter table posts.file_deletions force row level security;
create policy tenant_isolation on posts.file_deletions
  using (association_id = posts.current_association_id() or posts.in_system_scope());
