-- Events the board arranges (dugnad, sommerfest, årsmøte) and members' sign-ups (påmelding) to them, with
-- row-level security as the second tenancy wall, as for posts (0001).

-- starts_at keeps milliseconds only, because it is the events cursor (see 0001 on published_at).
-- Prices are in øre and only recorded: Tunet shows what attending costs but does not charge it.
-- A null capacity means no limit; a null signup_deadline means sign-up is open until the event starts.
create table posts.events (
  association_id uuid not null,
  id uuid not null,
  created_by_member_id uuid not null,
  title text not null check (length(title) between 1 and 200),
  description text not null default '' check (length(description) <= 20000),
  place text not null default '' check (length(place) <= 200),
  starts_at timestamptz(3) not null,
  ends_at timestamptz(3) not null,
  capacity integer check (capacity >= 1),
  signup_deadline timestamptz(3),
  max_guests_per_signup integer not null default 0 check (max_guests_per_signup >= 0),
  price_per_adult integer not null default 0 check (price_per_adult >= 0),
  price_per_child integer not null default 0 check (price_per_child >= 0),
  cancelled_at timestamptz,
  cancel_reason text check (length(cancel_reason) <= 1000),
  created_at timestamptz not null default now(),
  primary key (association_id, id),
  check (ends_at >= starts_at),
  check (signup_deadline is null or signup_deadline <= starts_at)
);
-- Query.events: one page of an association's events from an instant, soonest first, after a (starts_at, id) cursor
create index events_upcoming on posts.events (association_id, starts_at, id);

alter table posts.events enable row level security;
alter table posts.events force row level security;
create policy tenant_isolation on posts.events
  using (association_id = posts.current_association_id() or posts.in_system_scope());

-- member_id names a membership in the members subgraph, so there is no foreign key (see 0001).
-- seq is the order in which sign-ups were made. It is assigned while the sign-up holds the event row locked, so
-- it is the order in which PostgreSQL serialised them, which created_at (transaction start) is not: the
-- waitlist is ordered by it.
create table posts.event_signups (
  association_id uuid not null,
  id uuid not null,
  event_id uuid not null,
  member_id uuid not null,
  adults integer not null check (adults >= 1),
  children integer not null default 0 check (children >= 0),
  status text not null check (status in ('confirmed', 'waitlisted', 'cancelled')),
  seq bigint generated always as identity,
  created_at timestamptz not null default now(),
  cancelled_at timestamptz,
  primary key (association_id, id),
  foreign key (association_id, event_id) references posts.events (association_id, id)
);
-- Event.signups, seats and waitlist (the loaders): every sign-up of a batch of events, in sign-up order.
-- Also serves the foreign key and the waitlist scan when a cancellation promotes sign-ups.
create index event_signups_by_event on posts.event_signups (association_id, event_id, seq);
-- One active sign-up per member per event; also serves cancelSignup's lookup of the member's active sign-up.
create unique index event_signups_one_active on posts.event_signups (association_id, event_id, member_id)
  where status <> 'cancelled';

alter table posts.event_signups enable row level security;
alter table posts.event_signups force row level security;
create policy tenant_isolation on posts.event_signups
  using (association_id = posts.current_association_id() or posts.in_system_scope());
