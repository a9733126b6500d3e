-- Issue 13: the billing category the board cannot turn off, deliveries withheld on purpose (a text message without
-- the SMS add-on or over the month's quota, anything for an association whose agreement ended), the month an SMS
-- counts against, the e-mail that waits for an SMS and goes only if it is not sent, and associations closed for good.

-- Subscription, invoices and terms of service: for the board, and the association's contact e-mail.
alter table notifications.notifications drop constraint notifications_category_check;
alter table notifications.notifications add constraint notifications_category_check
  check (category in ('news', 'important', 'comments', 'events', 'reservations', 'service_requests', 'account', 'billing'));
alter table notifications.preferences drop constraint preferences_category_check;
alter table notifications.preferences add constraint preferences_category_check
  check (category in ('news', 'important', 'comments', 'events', 'reservations', 'service_requests', 'account', 'billing'));

-- withheld: not sent on purpose, never to be tried again; withheld_reason says why.
alter table notifications.deliveries drop constraint deliveries_status_check;
alter table notifications.deliveries add constraint deliveries_status_check
  check (status in ('queued', 'sent', 'delivered', 'failed', 'bounced', 'withheld'));
alter table notifications.deliveries add column withheld_reason text
  check (withheld_reason in ('sms_not_subscribed', 'sms_quota_exceeded', 'association_terminated'));
alter table notifications.deliveries add constraint deliveries_withheld_reason_check_status
  check ((status = 'withheld') = (withheld_reason is not null));

-- sms_fallback: an e-mail that goes only if the notification's text message is not sent (withheld or failed).
alter table notifications.deliveries drop constraint deliveries_held_for_check;
alter table notifications.deliveries add constraint deliveries_held_for_check
  check (held_for in ('quiet_hours', 'digest', 'sms_fallback'));

-- The calendar month (its first day, in the association's time zone) an SMS was counted against when the quota
-- let it through; set once, so a retry is not counted again.
alter table notifications.deliveries add column sms_month date;
alter table notifications.deliveries add constraint deliveries_sms_month_channel check (sms_month is null or channel = 'sms');
-- SMS quota (dispatcher) and smsUsage: an association's text messages counted against one month
create index deliveries_sms_month on notifications.deliveries (association_id, sms_month) where sms_month is not null;

-- An association whose agreement ended (association.terminated): nothing more is stored or sent for its people.
create table notifications.closed_associations (
  association_id uuid not null primary key,
  termination_id uuid not null,
  -- the day the agreement ended, in the association's time zone
  terminated_on date not null,
  closed_at timestamptz not null default now()
);
alter table notifications.closed_associations enable row level security;
alter table notifications.closed_associations force row level security;
create policy tenant_isolation on notifications.closed_associations
  using (association_id = notifications.current_association_id() or notifications.in_system_scope());
