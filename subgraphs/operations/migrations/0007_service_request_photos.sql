-- Photos on service requests (issue 15; docs/decisions/0041, addendum "photos"). The bytes live in the kit's file
-- storage under `<association>/<photo>/<variant>`; a row names photos whose bytes were stored first.

-- The key that signs operations' photo links (`/operations-files/<photo>/<variant>?exp=…&sig=…`), made by the first
-- process that needs it, as posts' own. It belongs to no association: only system scope reads it.
create table operations.url_signing_keys (
  name text primary key,
  secret bytea not null check (length(secret) >= 32),
  created_at timestamptz not null default now()
);
alter table operations.url_signing_keys enable row level security;
alter table operations.url_signing_keys force row level security;
create policy system_only on operations.url_signing_keys using (operations.in_system_scope());

-- A photo of a fault: a JPEG, PNG or WebP re-encoded without metadata (EXIF/GPS gone). At most 6 per request, counted
-- under the request's row lock (src/photos/photos.repository.ts).
create table operations.service_request_photos (
  association_id uuid not null,
  id uuid not null,
  request_id uuid not null,
  -- who added it; the association's "Former resident" member once they were erased and the association keeps content
  uploaded_by_member_id uuid not null,
  file_name text not null check (length(file_name) between 1 and 200),
  content_type text not null check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
  -- the stored original's size
  size_bytes integer not null check (size_bytes > 0),
  width integer not null check (width > 0),
  height integer not null check (height > 0),
  created_at timestamptz not null,
  primary key (association_id, id),
  foreign key (association_id, request_id) references operations.service_requests (association_id, id) on delete cascade
);
-- ServiceRequest.photos (one query per page of requests, in order) and the count of a request's photos.
create index service_request_photos_by_request on operations.service_request_photos (association_id, request_id, created_at, id);
-- The download route, whose signed link names only the photo.
create unique index service_request_photos_by_id on operations.service_request_photos (id);
-- Erasure and export: the photos a member added.
create index service_request_photos_by_uploader on operations.service_request_photos (association_id, uploaded_by_member_id);
alter table operations.service_request_photos enable row level security;
alter table operations.service_request_photos force row level security;
create policy tenant_isolation on operations.service_request_photos
  using (association_id = operations.current_association_id() or operations.in_system_scope());
