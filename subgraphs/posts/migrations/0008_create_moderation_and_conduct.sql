-- Moderation (members' reports, the board's review cases, the log of every action, per-association settings) and
-- each association's code of conduct (god skikk) with members' acceptances, with the same row-level security as
-- posts.posts (0001). Enumerated values are stored as their GraphQL names, as posts.reactions does (0003).
-- A target is a post or a comment, so there is no foreign key to it (see posts.reactions): the service checks that
-- it exists in the association before writing.

-- Only associations that changed the default have a row; without one the threshold is 3.
create table posts.moderation_settings (
  association_id uuid not null,
  report_threshold integer not null check (report_threshold between 1 and 20),
  updated_by_member_id uuid not null,
  updated_at timestamptz not null default now(),
  primary key (association_id)
);

-- A case gathers the reports on one post or comment until the board decides; reports after that open a new case,
-- so content the board restored is hidden again only by households that had not reported it yet.
-- author_member_id and post_id are copied from the target when the case opens, so the case still names them after
-- the privacy retention job purges a deleted comment. household_count is kept on the row, updated while each
-- report holds the target locked, so the queue shows it without counting. opened_at and resolved_at keep milliseconds only because they are the queue's cursors (0001).
create table posts.moderation_cases (
  association_id uuid not null,
  id uuid not null,
  target_type text not null check (target_type in ('POST', 'COMMENT')),
  target_id uuid not null,
  author_member_id uuid not null,
  post_id uuid not null,
  status text not null default 'OPEN' check (status in ('OPEN', 'RESOLVED')),
  household_count integer not null default 0 check (household_count >= 0),
  opened_at timestamptz(3) not null default now(),
  last_reported_at timestamptz not null default now(),
  resolved_at timestamptz(3),
  resolved_by_member_id uuid,
  decision text check (decision in ('RESTORE', 'REMOVE')),
  primary key (association_id, id),
  check ((status = 'RESOLVED') = (resolved_at is not null and decision is not null))
);
-- reportContent: the open case a report joins; unique, so concurrent first reports cannot open two.
create unique index moderation_cases_open_by_target on posts.moderation_cases (association_id, target_type, target_id)
  where status = 'OPEN';
-- Query.moderationQueue(status: OPEN): the open cases oldest first after an (opened_at, id) cursor.
create index moderation_cases_open_queue on posts.moderation_cases (association_id, opened_at, id) where status = 'OPEN';
-- Query.moderationQueue(status: RESOLVED): the resolved cases most recently decided first after a (resolved_at, id)
-- cursor.
create index moderation_cases_resolved_queue on posts.moderation_cases (association_id, resolved_at desc, id desc)
  where status = 'RESOLVED';

alter table posts.moderation_cases enable row level security;
alter table posts.moderation_cases force row level security;
create policy tenant_isolation on posts.moderation_cases
  using (association_id = posts.current_association_id() or posts.in_system_scope());

-- household_id is the reporter's household when they reported: the smallest of their unit ids, or their member id
-- when they have no unit (docs/decisions/0010), so two members of one unit count once.
create table posts.moderation_reports (
  association_id uuid not null,
  id uuid not null,
  case_id uuid not null,
  target_type text not null check (target_type in ('POST', 'COMMENT')),
  target_id uuid not null,
  reporter_member_id uuid not null,
  household_id uuid not null,
  reason text not null check (reason in ('OFFENSIVE', 'SPAM', 'ILLEGAL', 'OTHER')),
  note text check (length(note) between 1 and 1000),
  reported_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, case_id) references posts.moderation_cases (association_id, id)
);
-- One report per member per target, across cases: reportContent looks the viewer's earlier report up by it and
-- answers with that one instead of counting the member twice.
create unique index moderation_reports_one_per_member
  on posts.moderation_reports (association_id, target_type, target_id, reporter_member_id);
-- ModerationCase.reports (a batch of cases' reports, oldest first), the distinct households of one case when a
-- report arrives, and the foreign key.
create index moderation_reports_by_case on posts.moderation_reports (association_id, case_id, reported_at);

alter table posts.moderation_reports enable row level security;
alter table posts.moderation_reports force row level security;
create policy tenant_isolation on posts.moderation_reports
  using (association_id = posts.current_association_id() or posts.in_system_scope());

-- Every moderation action, kept for the board's log and the reason authors are shown. actor_member_id is null
-- when Tunet hid content automatically after reports. suspended_until is a local date like the members
-- subgraph's suspensions; null there means until reinstated.
create table posts.moderation_actions (
  association_id uuid not null,
  id uuid not null,
  case_id uuid,
  target_type text not null check (target_type in ('POST', 'COMMENT')),
  target_id uuid not null,
  action text not null check (action in ('HIDE', 'RESTORE', 'REMOVE', 'SUSPEND_AUTHOR')),
  reason text not null check (length(reason) between 1 and 1000),
  actor_member_id uuid,
  suspended_until date,
  created_at timestamptz(3) not null default now(),
  primary key (association_id, id),
  foreign key (association_id, case_id) references posts.moderation_cases (association_id, id),
  check (action = 'SUSPEND_AUTHOR' or suspended_until is null)
);
-- ModerationCase.actions: a batch of cases' actions, oldest first; also serves the foreign key.
create index moderation_actions_by_case on posts.moderation_actions (association_id, case_id, created_at)
  where case_id is not null;
-- Post/Comment.moderation: the latest action on a batch of targets, for the reason the author is shown.
create index moderation_actions_by_target on posts.moderation_actions (association_id, target_type, target_id, created_at desc);
-- Query.moderationLog: the association's actions newest first after a (created_at, id) cursor.
create index moderation_actions_log on posts.moderation_actions (association_id, created_at desc, id desc);

alter table posts.moderation_actions enable row level security;
alter table posts.moderation_actions force row level security;
create policy tenant_isolation on posts.moderation_actions
  using (association_id = posts.current_association_id() or posts.in_system_scope());

-- Each publication of a code of conduct is a new version numbered from 1. Versions are never changed or deleted:
-- an acceptance must keep meaning the text the member read.
create table posts.conduct_versions (
  association_id uuid not null,
  version integer not null check (version >= 1),
  body text not null check (length(body) between 1 and 20000),
  published_by_member_id uuid not null,
  published_at timestamptz not null default now(),
  -- Serves Query.codeOfConduct and the acceptance check before posting (the association's highest version), and
  -- the next number on publishing; two boards publishing at once collide on it rather than share a number.
  primary key (association_id, version)
);

alter table posts.conduct_versions enable row level security;
alter table posts.conduct_versions force row level security;
create policy tenant_isolation on posts.conduct_versions
  using (association_id = posts.current_association_id() or posts.in_system_scope());

create table posts.conduct_acceptances (
  association_id uuid not null,
  member_id uuid not null,
  version integer not null,
  accepted_at timestamptz not null default now(),
  -- Accepting twice inserts nothing (on conflict do nothing); also serves CodeOfConduct.viewerAcceptedAt and the
  -- check before posting (one member, one version).
  primary key (association_id, member_id, version),
  -- No index of its own: versions are never deleted, so the key is only checked on insert, through the primary
  -- key of posts.conduct_versions.
  foreign key (association_id, version) references posts.conduct_versions (association_id, version)
);

alter table posts.conduct_acceptances enable row level security;
alter table posts.conduct_acceptances force row level security;
create policy tenant_isolation on posts.conduct_acceptances
  using (association_id = posts.current_association_id() or posts.in_system_scope());
