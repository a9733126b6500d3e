-- Comments on posts (one level of replies), their edit history, and reactions to posts and comments, with the
-- same row-level security as posts.posts (0002 decision: the policy is the second tenancy wall).

-- The foreign keys include association_id, so a comment can only point at a post or parent of its own
-- association even though integrity checks bypass row-level security. That a parent is top level and belongs
-- to the same post is checked by the service: a check constraint cannot look at another row.
-- Deleting only sets deleted_at: reads stop showing the body at once, and the privacy retention job purges the
-- row (and, by cascade, its edit history) later. The body stays not null until then so the check holds.
create table posts.comments (
  association_id uuid not null,
  id uuid not null,
  post_id uuid not null,
  parent_id uuid,
  author_member_id uuid not null,
  body text not null check (length(body) between 1 and 5000),
  created_at timestamptz(3) not null default now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  deleted_by_member_id uuid,
  primary key (association_id, id),
  foreign key (association_id, post_id) references posts.posts (association_id, id),
  foreign key (association_id, parent_id) references posts.comments (association_id, id)
);
-- Post.comments: a post's top-level comments oldest first after a (created_at, id) cursor; also
-- Post.commentCount, which counts a batch of posts' undeleted comments, and the thread participants of
-- comment.created.
create index comments_by_post on posts.comments (association_id, post_id, created_at, id);
-- Comment.replies: the replies to a batch of top-level comments, oldest first; partial because most comments
-- are top level.
create index comments_replies on posts.comments (association_id, parent_id, created_at, id) where parent_id is not null;

-- The texts a comment had before each edit, so readers can see what changed.
create table posts.comment_edits (
  association_id uuid not null,
  id uuid not null,
  comment_id uuid not null,
  body text not null,
  replaced_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, comment_id) references posts.comments (association_id, id) on delete cascade
);
-- Comment.edits: a batch of comments' earlier texts, oldest first.
create index comment_edits_by_comment on posts.comment_edits (association_id, comment_id, replaced_at);

-- One row per member, target and reaction. The target is a post or a comment, so there is no foreign key; the
-- service checks the target exists in the association before writing, and the retention job removes the
-- reactions of purged comments.
create table posts.reactions (
  association_id uuid not null,
  target_type text not null check (target_type in ('POST', 'COMMENT')),
  target_id uuid not null,
  member_id uuid not null,
  reaction text not null check (reaction in ('LIKE', 'HEART', 'LAUGH', 'SAD', 'CELEBRATE')),
  created_at timestamptz not null default now(),
  -- The unique key that makes reacting twice a no-op (insert ... on conflict do nothing). It also serves
  -- Post/Comment.reactions (counts per reaction for a batch of targets: its first three columns) and
  -- viewerReactions (a batch of targets and one member: its first four).
  primary key (association_id, target_type, target_id, member_id, reaction)
);

alter table posts.comments enable row level security;
alter table posts.comments force row level security;
create policy tenant_isolation on posts.comments
  using (association_id = posts.current_association_id() or posts.in_system_scope());

alter table posts.comment_edits enable row level security;
alter table posts.comment_edits force row level security;
create policy tenant_isolation on posts.comment_edits
  using (association_id = posts.current_association_id() or posts.in_system_scope());

alter table posts.reactions enable row level security;
alter table posts.reactions force row level security;
create policy tenant_isolation on posts.reactions
  using (association_id = posts.current_association_id() or posts.in_system_scope());
