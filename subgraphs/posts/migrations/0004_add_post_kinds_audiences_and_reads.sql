-- Posts become the association's news, bulletins and articles, each for an audience, scheduled, expiring, pinned
-- or important; moderation can hide them; important notices record who has read them.
-- The body is Markdown source; HTML is rendered and sanitised when read, so a fix to the sanitiser applies to
-- every post at once.
alter table posts.posts
  add column kind text not null default 'bulletin' check (kind in ('news', 'bulletin', 'article')),
  -- association: everyone; building: residents of one building (entrance); committee: one committee's members;
  -- group: one group's members; board: the board only. audience_id names the building, committee or group.
  add column audience_kind text not null default 'association'
    check (audience_kind in ('association', 'building', 'committee', 'group', 'board')),
  add column audience_id uuid,
  add constraint audience_id_matches_kind
    check ((audience_kind in ('building', 'committee', 'group')) = (audience_id is not null)),
  -- published_at is the publish-at instant: a post scheduled for later stays out of the feed until then.
  add column expires_at timestamptz(3),
  add constraint expires_after_publish check (expires_at is null or expires_at > published_at),
  add column pinned_at timestamptz,
  add column important boolean not null default false,
  add column edited_at timestamptz,
  -- visible; hidden: automatically or by the board, pending review; removed: deleted by the board or the author.
  add column moderation_state text not null default 'visible'
    check (moderation_state in ('visible', 'hidden', 'removed')),
  add column moderated_at timestamptz;

-- Query.posts: pinned posts first, then the feed by publish time; the existing posts_feed index serves the feed
-- after the pinned posts, this one finds an association's few pinned posts.
create index posts_pinned on posts.posts (association_id, pinned_at desc) where pinned_at is not null;

alter table posts.comments
  add column moderation_state text not null default 'visible'
    check (moderation_state in ('visible', 'hidden', 'removed')),
  add column moderated_at timestamptz;

-- Who has opened which post: the viewer's unread state in the feed and, for important notices, the board's reach.
create table posts.post_reads (
  association_id uuid not null,
  post_id uuid not null,
  member_id uuid not null,
  read_at timestamptz not null default now(),
  primary key (association_id, post_id, member_id),
  foreign key (association_id, post_id) references posts.posts (association_id, id) on delete cascade
);
-- Post.readBy / reach: the readers of one post; the primary key serves a batch of posts for one viewer.
create index post_reads_by_post on posts.post_reads (association_id, post_id, read_at);
alter table posts.post_reads enable row level security;
alter table posts.post_reads force row level security;
create policy tenant_isolation on posts.post_reads
  using (association_id = posts.current_association_id() or posts.in_system_scope());
