-- Calendar feeds move onto the kit's one feed lifecycle (decision 0028), whose table every subgraph with feeds
-- shares (kit calendarFeedsTableSql). Existing rows are converted in place and keep their nonce and token hash, so
-- every subscribed URL keeps working: its token's HMAC covers the member and, for a resource feed, the resource,
-- which is now `about`.
--   resource_id  -> about: '' for a member's own bookings, else the resource's id (the key needs no nulls)
--   created_at   -> issued_at (milliseconds, as JavaScript dates have them); null on a row that only holds a revocation
--   revoked_at   -> valid_until: when the feed stops working, which for a move-out lies ahead
--   id           -> dropped: a feed is found by its member and `about`, or by its token's hash
--   the nonce's length check -> dropped: the nonce is the server's own (kit newNonce), as in posts
-- Token hashes were unique across associations; the route always knows the association (the token names it), so
-- the lookup is by both, as posts' is.
alter table reservations.calendar_feeds drop constraint calendar_feeds_pkey;
alter table reservations.calendar_feeds drop constraint calendar_feeds_association_id_member_id_resource_id_key;
drop index reservations.calendar_feeds_by_token;

alter table reservations.calendar_feeds add column about text not null default '';
update reservations.calendar_feeds set about = resource_id::text where resource_id is not null;
alter table reservations.calendar_feeds drop column resource_id;
alter table reservations.calendar_feeds drop column id;
alter table reservations.calendar_feeds drop constraint calendar_feeds_nonce_check;

alter table reservations.calendar_feeds rename column created_at to issued_at;
alter table reservations.calendar_feeds rename column revoked_at to valid_until;
alter table reservations.calendar_feeds
  alter column issued_at drop default,
  alter column issued_at drop not null,
  alter column issued_at type timestamptz(3),
  alter column token_hash drop not null,
  alter column nonce drop not null,
  add primary key (association_id, member_id, about),
  add check ((nonce is null) = (token_hash is null) and (token_hash is null) = (issued_at is null));
create unique index calendar_feeds_by_token on reservations.calendar_feeds (association_id, token_hash);
