-- A feed's URL is shown again on every ask, so the random nonce its token's HMAC covers is kept beside the token's
-- hash (the HMAC key is not in the database, so a copy of it rebuilds no URL; decision 0013). Feeds are created
-- from this release on, so there are no rows to fill.
alter table reservations.calendar_feeds add column nonce text not null check (length(nonce) between 16 and 64);
