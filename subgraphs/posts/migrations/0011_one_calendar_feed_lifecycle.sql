-- Calendar feeds move onto the kit's one feed lifecycle (decision 0028), whose table every subgraph with feeds
-- shares (kit calendarFeedsTableSql). Posts' table had that shape but for `about`: what a feed shows besides its
-- member's association, '' for a member's own feed, which every existing feed is. Nonces, token hashes, issue
-- times and revocations are kept as they are, so every subscribed URL keeps working and keeps its end.
alter table posts.calendar_feeds add column about text not null default '';
alter table posts.calendar_feeds drop constraint calendar_feeds_pkey;
alter table posts.calendar_feeds add primary key (association_id, member_id, about);
