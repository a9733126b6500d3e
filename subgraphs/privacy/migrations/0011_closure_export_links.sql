-- The protected links through which a terminated association downloads its export (docs/decisions/0037). An operator
-- issues one (a new one ends the ones before) and hands the link and its access code to the association by two
-- different channels; the rows keep neither, only their SHA-256. Five wrong codes lock the link. Deleted with the
-- association's other privacy rows when the closure erases it.
create table privacy.closure_export_links (
  association_id uuid not null,
  id uuid not null,
  token_hash bytea not null check (length(token_hash) = 32),
  code_hash bytea not null check (length(code_hash) = 32),
  -- the operator's account
  issued_by uuid not null,
  issued_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  failed_attempts integer not null default 0 check (failed_attempts between 0 and 5),
  downloads integer not null default 0 check (downloads >= 0),
  last_download_at timestamptz,
  primary key (association_id, id)
);
-- The download route: the link named by the association and token in its URL.
create unique index closure_export_links_token on privacy.closure_export_links (association_id, token_hash);
-- Not a query: one link works at a time, even if two operators issue at once (issuing also locks the closure row).
create unique index closure_export_links_current on privacy.closure_export_links (association_id) where revoked_at is null;

alter table privacy.closure_export_links enable row level security;
alter table privacy.closure_export_links force row level security;
create policy tenant_isolation on privacy.closure_export_links
  using (association_id = privacy.current_association_id() or privacy.in_system_scope());
