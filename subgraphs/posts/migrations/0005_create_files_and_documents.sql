-- Uploaded files (post attachments, document versions), each association's upload limit, the document library
-- (folders, documents, versions), and the key that signs download URLs. Tenant tables have the same row-level
-- security as posts.posts (0002 decision: the policy is the second tenancy wall).

-- The key that signs download URLs (src/files/signed-urls.ts). One per deployment: the first process that needs it
-- inserts a random one and every replica reads the same row, so a URL signed by one replica verifies on any other
-- without a secret to configure. It belongs to no association, so instead of the tenant policy only system scope
-- may read it: no tenant transaction can ever see it.
create table posts.url_signing_keys (
  name text primary key,
  secret bytea not null check (length(secret) >= 32),
  created_at timestamptz not null default now()
);
alter table posts.url_signing_keys enable row level security;
alter table posts.url_signing_keys force row level security;
create policy system_only on posts.url_signing_keys using (posts.in_system_scope());

-- The board's upload limit per file. No row means the default (10 MiB, src/files/files.service.ts). The upper
-- bound keeps a file's base64 inside the gateway's 20 MB request body.
create table posts.file_settings (
  association_id uuid not null,
  max_file_bytes integer not null check (max_file_bytes between 1048576 and 14680064),
  updated_by_member_id uuid not null,
  updated_at timestamptz not null default now(),
  primary key (association_id)
);
alter table posts.file_settings enable row level security;
alter table posts.file_settings force row level security;
create policy tenant_isolation on posts.file_settings
  using (association_id = posts.current_association_id() or posts.in_system_scope());

-- One uploaded file. The stored objects are keyed `<association_id>/<id>/<variant>`: `original` always, and for
-- images (width and height set) also `display` and `thumbnail`. content_type is what sniffing the bytes found,
-- never what the uploader claimed. A file is in at most one place: attached to a post (post_id, post_position)
-- or a version of a document (document_id); in neither it is an upload waiting to be used, which the purge job
-- deletes after a day. The columns live on the file row, not only on the places, so that attaching locks one
-- row and the purge job's "still unattached?" is re-checked on that row when it waits for the lock.
create table posts.files (
  association_id uuid not null,
  id uuid not null,
  uploaded_by_member_id uuid not null,
  file_name text not null check (length(file_name) between 1 and 200),
  content_type text not null,
  size_bytes integer not null check (size_bytes > 0),
  width integer check (width > 0),
  height integer check (height > 0),
  post_id uuid,
  post_position smallint check (post_position between 0 and 9),
  document_id uuid,
  created_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, post_id) references posts.posts (association_id, id),
  check ((width is null) = (height is null)),
  check ((post_id is null) = (post_position is null)),
  check (post_id is null or document_id is null)
);
-- Post.attachments: a batch of posts' files in their order; unique so two files cannot share a place.
create unique index files_by_post on posts.files (association_id, post_id, post_position) where post_id is not null;
-- The download route (GET /files/<id>/…): a signed URL names only the file, so it is found by id alone.
create unique index files_by_id on posts.files (id);
-- The purge job: unattached uploads older than a day, across associations, oldest first; partial, so it holds
-- only the few files waiting to be used.
create index files_unattached on posts.files (created_at) where post_id is null and document_id is null;

alter table posts.files enable row level security;
alter table posts.files force row level security;
create policy tenant_isolation on posts.files
  using (association_id = posts.current_association_id() or posts.in_system_scope());

-- Folders of the document library, nested under parent_id (null: top level). Folders are never moved, so no
-- cycle can form.
create table posts.document_folders (
  association_id uuid not null,
  id uuid not null,
  parent_id uuid,
  name text not null check (length(name) between 1 and 100),
  created_by_member_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, parent_id) references posts.document_folders (association_id, id)
);
-- Query.documentFolders: a folder's subfolders (or the top level) by name. Unique, so two folders side by side
-- cannot share a name whatever its case; nulls not distinct makes that hold at the top level too.
create unique index document_folders_by_parent
  on posts.document_folders (association_id, parent_id, lower(name)) nulls not distinct;

-- A document of the library (husordensregler, vedtekter, årsmøtepapirer). The board may always edit it, and so
-- may the members of editor_committee_id (a committee of the members subgraph: no foreign key, see 0001).
-- Deleting only sets deleted_at: the document and its versions disappear from every read, the files stay.
create table posts.documents (
  association_id uuid not null,
  id uuid not null,
  folder_id uuid not null,
  title text not null check (length(title) between 1 and 200),
  description text not null default '' check (length(description) <= 2000),
  audience_kind text not null check (audience_kind in ('association', 'building', 'committee', 'group', 'board')),
  audience_id uuid,
  editor_committee_id uuid,
  created_by_member_id uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  deleted_by_member_id uuid,
  primary key (association_id, id),
  foreign key (association_id, folder_id) references posts.document_folders (association_id, id),
  constraint audience_id_matches_kind check ((audience_kind in ('building', 'committee', 'group')) = (audience_id is not null))
);
-- Query.documents: a folder's live documents by title, after a (title, id) cursor.
create index documents_by_folder on posts.documents (association_id, folder_id, title, id) where deleted_at is null;

-- The versions of a document, numbered from 1; the highest is the current one. Each is a file uploaded first.
create table posts.document_versions (
  association_id uuid not null,
  id uuid not null,
  document_id uuid not null,
  number integer not null check (number >= 1),
  file_id uuid not null,
  note text not null default '' check (length(note) <= 1000),
  uploaded_by_member_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, document_id) references posts.documents (association_id, id),
  foreign key (association_id, file_id) references posts.files (association_id, id)
);
-- Document.versions and currentVersion: a batch of documents' versions by number. Unique, so two versions added
-- at once cannot take the same number.
create unique index document_versions_by_document on posts.document_versions (association_id, document_id, number);
-- A file is one version of one document; also serves the foreign key to files when the purge job deletes one.
create unique index document_versions_by_file on posts.document_versions (association_id, file_id);

alter table posts.files
  add foreign key (association_id, document_id) references posts.documents (association_id, id);

alter table posts.document_folders enable row level security;
alter table posts.document_folders force row level security;
create policy tenant_isolation on posts.document_folders
  using (association_id = posts.current_association_id() or posts.in_system_scope());

alter table posts.documents enable row level security;
alter table posts.documents force row level security;
create policy tenant_isolation on posts.documents
  using (association_id = posts.current_association_id() or posts.in_system_scope());

alter table posts.document_versions enable row level security;
alter table posts.document_versions force row level security;
create policy tenant_isolation on posts.document_versions
  using (association_id = posts.current_association_id() or posts.in_system_scope());
