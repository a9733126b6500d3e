-- What each file takes up in storage: every stored object of it, so an image counts its original and its display
-- and thumbnail variants. The association's storage total (the sum over its files, checked on upload against the
-- `storageBytes` entitlement, src/files/files.service.ts) is made of these. size_bytes stays what File.size shows:
-- the original alone.
alter table posts.files add column stored_bytes bigint check (stored_bytes >= size_bytes);

-- A file that is not an image has one object, the original, so its total is known here. An image's variants were
-- never measured: they stay null until the backfill job reads their objects (FilesService.measureUnmeasured), and
-- until then count as three times the original, an estimate that errs high (each variant is the original scaled
-- down, never up, and written at the same or a lower quality).
update posts.files set stored_bytes = size_bytes where width is null;

-- The backfill job: images uploaded before this migration, whose variants are still unmeasured. Partial, so it is
-- empty once they are done.
create index files_unmeasured on posts.files (id) where stored_bytes is null;
