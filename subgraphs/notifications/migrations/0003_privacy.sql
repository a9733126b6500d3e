-- Issue 14 (privacy): the privacy category that cannot be turned off (data-subject requests, privacy notices,
-- sub-processor changes, personal-data breaches), and what is kept of an erased member to refuse their links.

alter table notifications.notifications drop constraint notifications_category_check;
alter table notifications.notifications add constraint notifications_category_check
  check (category in ('news', 'important', 'comments', 'events', 'reservations', 'service_requests', 'account', 'billing', 'privacy'));
alter table notifications.preferences drop constraint preferences_category_check;
alter table notifications.preferences add constraint preferences_category_check
  check (category in ('news', 'important', 'comments', 'events', 'reservations', 'service_requests', 'account', 'billing', 'privacy'));

-- A member erased here (privacy/erase): the SHA-256 of '<association id>:<member id>', never the ids, so that the
-- person's stateless unsubscribe links stop working without naming them (src/privacy/erased-member-hash.ts).
create table notifications.erased_recipients (
  association_id uuid not null,
  member_hash text not null check (member_hash ~ '^[0-9a-f]{64}$'),
  erased_at timestamptz not null default now(),
  -- the unsubscribe link's lookup of one member
  primary key (association_id, member_hash)
);
alter table notifications.erased_recipients enable row level security;
alter table notifications.erased_recipients force row level security;
create policy tenant_isolation on notifications.erased_recipients
  using (association_id = notifications.current_association_id() or notifications.in_system_scope());
