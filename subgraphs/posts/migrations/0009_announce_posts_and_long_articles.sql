-- post.published goes out exactly once per post, when the post becomes visible: in the creating transaction for
-- a post published at once, and by the announcer job (posts.service) for a scheduled one. announced_at records
-- that it went out, so neither a second job run nor a second process sends it again.
alter table posts.posts add column announced_at timestamptz;

-- Posts that were already in the feed before this migration were seen by everyone; announcing them now would
-- notify the whole association about old news.
update posts.posts set announced_at = published_at where published_at <= now();

-- The announcer: "announced_at is null and published_at <= now() order by published_at", across associations.
-- Partial, so it holds only the few scheduled posts that wait for their time and not the whole history.
create index posts_unannounced on posts.posts (published_at) where announced_at is null;

-- Articles are blog-style and may run long; news and bulletins stay short enough to read in the feed.
alter table posts.posts
  drop constraint posts_body_check,
  add constraint body_length_by_kind
    check (length(body) between 1 and case when kind = 'article' then 100000 else 20000 end);
