-- Notifications: the in-app inbox, one delivery per (event, recipient, channel), preferences and push devices.
-- The runner (packages/kit/src/database.ts) has created the schema, the role tunet_notifications and the functions
-- the row-level-security policies call. Every table is the association's: association_id leads every key.
-- Nothing here is read from another subgraph: recipients' names, addresses and audiences come from members (and
-- group memberships from posts) through signed internal routes when an event is handled (docs/decisions/0015).

-- One message to one recipient about one event, rendered once in the recipient's language. The row is the in-app
-- inbox item when the recipient is a member; a recipient who is only an e-mail address (an invitation, a new
-- address to confirm) gets a row with no member, which no inbox lists, so its e-mail has something to render.
create table notifications.notifications (
  association_id uuid not null,
  id uuid not null,
  -- the event's id: with recipient, the key that makes a redelivered event change nothing
  event_id uuid not null,
  -- 'member:<uuid>' or 'email:<lower-cased address>'
  recipient text not null check (length(recipient) between 8 and 400),
  member_id uuid,
  topic text not null check (length(topic) between 1 and 100),
  category text not null check (category in ('news', 'important', 'comments', 'events', 'reservations', 'service_requests', 'account')),
  important boolean not null default false,
  locale text not null check (locale in ('nb', 'en')),
  title text not null check (length(title) between 1 and 300),
  body text not null check (length(body) <= 5000),
  -- where the message leads: a path in the web app, or an absolute https link (an invitation)
  link text check (length(link) <= 2000),
  -- what it is about, for clients that open it: e.g. ('Post', <id>)
  subject_type text,
  subject_id uuid,
  -- false when the person turned the inbox off for the category: the row then only carries the e-mail or push
  shown boolean not null default true,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  archived_at timestamptz,
  primary key (association_id, id),
  unique (association_id, event_id, recipient),
  check ((member_id is null) = (recipient like 'email:%'))
);
-- notifications (inbox): a member's items, newest first, archived ones apart
create index notifications_inbox on notifications.notifications (association_id, member_id, (archived_at is not null), created_at desc, id desc)
  where member_id is not null and shown;
-- unreadNotificationCount and markAllNotificationsRead
create index notifications_unread on notifications.notifications (association_id, member_id)
  where member_id is not null and shown and read_at is null and archived_at is null;

-- One channel's delivery of a notification. The (notification, channel) key is the (event, recipient, channel)
-- delivery key: a redelivered event cannot queue a second e-mail.
create table notifications.deliveries (
  association_id uuid not null,
  id uuid not null,
  notification_id uuid not null,
  channel text not null check (channel in ('email', 'push', 'sms')),
  -- the e-mail address or phone number when queued; push goes to the recipient's devices at send time
  address text check (length(address) <= 400),
  status text not null default 'queued' check (status in ('queued', 'sent', 'delivered', 'failed', 'bounced')),
  -- why a queued delivery waits: the recipient's quiet hours, or their daily digest
  held_for text check (held_for in ('quiet_hours', 'digest')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  -- a sender holds the delivery until then; a crashed sender's deliveries are taken up again after it
  claimed_until timestamptz,
  -- the provider's answer of the last failed attempt, shown to the recipient and the board
  last_error text check (length(last_error) <= 1000),
  provider_message_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sent_at timestamptz,
  primary key (association_id, id),
  unique (association_id, notification_id, channel),
  foreign key (association_id, notification_id) references notifications.notifications (association_id, id) on delete cascade
);
-- dispatcher: deliveries due now, oldest first, across associations
create index deliveries_due on notifications.deliveries (next_attempt_at) where status = 'queued';
-- failedDeliveries (board): the association's failed and bounced deliveries, newest first
create index deliveries_failed on notifications.deliveries (association_id, updated_at desc, id desc)
  where status in ('failed', 'bounced');

-- Every attempt, kept for the audit trail: what was tried when, and what the provider said.
create table notifications.delivery_attempts (
  association_id uuid not null,
  delivery_id uuid not null,
  attempt integer not null check (attempt > 0),
  at timestamptz not null default now(),
  outcome text not null check (outcome in ('sent', 'delivered', 'retry', 'failed', 'bounced')),
  detail text check (length(detail) <= 1000),
  primary key (association_id, delivery_id, attempt),
  foreign key (association_id, delivery_id) references notifications.deliveries (association_id, id) on delete cascade
);

-- A person's choices that are not per category. No row: the defaults (association's language, no quiet hours,
-- one e-mail per message).
create table notifications.person_settings (
  association_id uuid not null,
  member_id uuid not null,
  -- null: the association's language
  locale text check (locale in ('nb', 'en')),
  time_zone text not null default 'Europe/Oslo',
  -- push waits from start to end (wall-clock, may pass midnight), except important notices
  quiet_hours_start time,
  quiet_hours_end time,
  -- e-mails of the optional categories collected into one e-mail a day at digest_hour
  email_digest boolean not null default false,
  digest_hour smallint not null default 7 check (digest_hour between 0 and 23),
  updated_at timestamptz not null default now(),
  primary key (association_id, member_id),
  check ((quiet_hours_start is null) = (quiet_hours_end is null))
);

-- One row per (category, channel) the person changed from the default; see src/preferences/preferences.policy.ts.
create table notifications.preferences (
  association_id uuid not null,
  member_id uuid not null,
  category text not null check (category in ('news', 'important', 'comments', 'events', 'reservations', 'service_requests', 'account')),
  channel text not null check (channel in ('in_app', 'email', 'push', 'sms')),
  enabled boolean not null,
  updated_at timestamptz not null default now(),
  primary key (association_id, member_id, category, channel)
);

-- Who changed which preference, how (the app, an e-mail's unsubscribe link) and when.
create table notifications.preference_log (
  association_id uuid not null,
  id uuid not null,
  member_id uuid not null,
  via text not null check (via in ('app', 'unsubscribe_link', 'one_click')),
  change jsonb not null,
  at timestamptz not null default now(),
  primary key (association_id, id)
);
-- notificationPreferences history: a member's changes, newest first
create index preference_log_by_member on notifications.preference_log (association_id, member_id, at desc);

-- Where push goes: a browser's Web Push subscription, or a phone's FCM or APNs token.
create table notifications.push_devices (
  association_id uuid not null,
  id uuid not null,
  member_id uuid not null,
  kind text not null check (kind in ('web', 'fcm', 'apns')),
  -- the Web Push endpoint URL, or the FCM registration token / APNs device token
  address text not null check (length(address) between 1 and 2000),
  -- Web Push only: the subscription's p256dh public key and auth secret (base64url)
  p256dh text,
  auth text,
  device_name text check (length(device_name) <= 100),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  primary key (association_id, id),
  unique (association_id, kind, address),
  check ((kind = 'web') = (p256dh is not null and auth is not null))
);
-- pushDevices and the push sender: a member's devices
create index push_devices_by_member on notifications.push_devices (association_id, member_id, created_at);

do $$
declare t text;
begin
  foreach t in array array['notifications', 'deliveries', 'delivery_attempts', 'person_settings', 'preferences', 'preference_log', 'push_devices'] loop
    execute format('alter table notifications.%I enable row level security', t);
    execute format('alter table notifications.%I force row level security', t);
    execute format('create policy tenant_isolation on notifications.%I using (association_id = notifications.current_association_id() or notifications.in_system_scope())', t);
  end loop;
end $$;
