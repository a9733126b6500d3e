-- Posts on each association's notice board, with row-level security as the second tenancy wall.
-- The runner (packages/kit/src/database.ts) has already created the schema, the role tunet_posts, and the
-- functions posts.current_association_id() and posts.in_system_scope() used by the policy below.

-- author_member_id names a membership in the members subgraph. There is no foreign key: that table lives in
-- another subgraph's schema, which this role cannot read, and the subgraphs may not even share a database.
-- published_at keeps milliseconds only, as JavaScript dates and so the feed cursor do: with microseconds a
-- cursor would fall just before the last post of its page, and the next page would skip older posts of the
-- same millisecond.
create table posts.posts (
  association_id uuid not null,
  id uuid not null,
  author_member_id uuid not null,
  title text not null check (length(title) between 1 and 200),
  body text not null check (length(body) between 1 and 20000),
  published_at timestamptz(3) not null default now(),
  created_at timestamptz not null default now(),
  primary key (association_id, id)
);
-- Query.posts: one page of an association's feed, newest first, after a (published_at, id) cursor
create index posts_feed on posts.posts (association_id, published_at desc, id desc);

alter table posts.posts enable row level security;
alter table posts.posts force row level security;
create policy tenant_isolation on posts.posts
  using (association_id = posts.current_association_id() or posts.in_system_scope());
