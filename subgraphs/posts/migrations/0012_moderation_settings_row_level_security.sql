-- posts.moderation_settings (0008) belongs to one association but was created without row-level security, so a
-- tenant transaction could read or change another association's report threshold if a query forgot its filter.
-- The same policy as every other tenant table (0001); test/row-level-security.int.test.ts now holds every table to it.
alter table posts.moderation_settings enable row level security;
alter table posts.moderation_settings force row level security;
create policy tenant_isolation on posts.moderation_settings
  using (association_id = posts.current_association_id() or posts.in_system_scope());
