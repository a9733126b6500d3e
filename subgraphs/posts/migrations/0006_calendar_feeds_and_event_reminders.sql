-- Private calendar feeds (one per member) and the reminder that goes out 24 hours before an event starts.

-- A member's calendar feed. Its URL carries a token that only the server can compute: an HMAC, under a key kept
-- outside the database, of the association, the member and `nonce`. The table keeps the nonce, so the URL can be
-- shown again, and the token's SHA-256, so the feed route can find the row; a copy of the database opens no feed.
-- Resetting draws a new nonce, so the old token's hash is gone and its URL answers 404 at once.
-- valid_until is set when the member moves out (the end of the move-out day) or is suspended (at once): the feed
-- stops working then. A row may exist without a token, to hold a move-out announced before the member asked for
-- a feed. issued_at tells revocations apart from tokens issued after them (see CalendarRepository.revoke).
-- member_id names a membership in the members subgraph, so there is no foreign key (see 0001).
create table posts.calendar_feeds (
  association_id uuid not null,
  member_id uuid not null,
  nonce text,
  token_hash text,
  issued_at timestamptz(3),
  valid_until timestamptz,
  primary key (association_id, member_id),
  check ((nonce is null) = (token_hash is null) and (token_hash is null) = (issued_at is null))
);
-- The public calendar route: the feed whose token hash the URL gives, within the association the token names.
create unique index calendar_feeds_by_token on posts.calendar_feeds (association_id, token_hash);

alter table posts.calendar_feeds enable row level security;
alter table posts.calendar_feeds force row level security;
create policy tenant_isolation on posts.calendar_feeds
  using (association_id = posts.current_association_id() or posts.in_system_scope());

-- When `event.reminder_due` went out for the event; null until then. Set in the transaction that writes the
-- outbox event, so a reminder is announced exactly once.
alter table posts.events add column reminded_at timestamptz;
-- The reminder sweep, across associations: events not yet reminded nor cancelled that start within the next
-- 24 hours, soonest first. Past events that were never reminded stay in it, but the scan starts at now.
create index events_reminder_due on posts.events (starts_at) where reminded_at is null and cancelled_at is null;
