-- Shared rooms and desks, their rules, and bookings that can never overlap.
-- The runner (packages/kit/src/database.ts) has created the schema, the role tunet_reservations and the functions
-- the row-level-security policies call. Every table is the association's: association_id leads every key.
-- Money is in øre (integer), never floating point. Local times (slots, opening hours, check-in) are wall-clock
-- times in the resource's time zone, so 07:00 stays 07:00 across daylight-saving changes.

-- btree_gist lets one exclusion constraint combine equality on ids with overlap of time ranges. Trusted since
-- PostgreSQL 13, so a database owner without superuser can create it.
create extension if not exists btree_gist;

-- Office spaces (nærkontor) group desks and rooms at an address; other resources belong to no location.
create table reservations.locations (
  association_id uuid not null,
  id uuid not null,
  name text not null check (length(name) between 1 and 100),
  address text,
  created_at timestamptz not null default now(),
  primary key (association_id, id)
);

create table reservations.resources (
  association_id uuid not null,
  id uuid not null,
  location_id uuid,
  name text not null check (length(name) between 1 and 100),
  description text not null default '' check (length(description) <= 5000),
  photo_urls text[] not null default '{}',
  -- how many people it holds (informational: one booking holds the whole resource)
  capacity integer check (capacity > 0),
  time_zone text not null default 'Europe/Oslo',
  -- slots: fixed slots per open day; range: free start and end within opening hours; days: whole days or nights
  booking_mode text not null check (booking_mode in ('slots', 'range', 'days')),
  -- slots mode: [{ "start": "07:00", "end": "10:00" }, …], wall-clock in time_zone; "24:00" ends at midnight
  slots jsonb not null default '[]',
  min_duration_minutes integer check (min_duration_minutes > 0),
  max_duration_minutes integer check (max_duration_minutes > 0),
  -- days mode: nights from check-in on the first day to check-out on the last
  check_in_time time,
  check_out_time time,
  min_notice_minutes integer not null default 0 check (min_notice_minutes >= 0),
  -- how many days ahead bookings open; null: no limit
  booking_horizon_days integer check (booking_horizon_days > 0),
  -- kept free after each booking (cleaning, key handover)
  buffer_minutes integer not null default 0 check (buffer_minutes >= 0),
  who_may_book text[] not null default '{resident,board}',
  requires_approval boolean not null default false,
  rules_text text,
  requires_rules_acceptance boolean not null default false,
  -- per_slot, per_hour, per_night or free
  price_unit text not null default 'free' check (price_unit in ('free', 'per_booking', 'per_slot', 'per_hour', 'per_night')),
  weekday_price integer not null default 0 check (weekday_price >= 0),
  weekend_price integer not null default 0 check (weekend_price >= 0),
  deposit integer not null default 0 check (deposit >= 0),
  free_for_board boolean not null default false,
  -- cancelling later than this before the start costs the late-cancellation fee
  cancellation_deadline_hours integer not null default 0 check (cancellation_deadline_hours >= 0),
  late_cancellation_fee_percent integer not null default 0 check (late_cancellation_fee_percent between 0 and 100),
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, location_id) references reservations.locations (association_id, id),
  check (min_duration_minutes is null or max_duration_minutes is null or min_duration_minutes <= max_duration_minutes),
  check (booking_mode <> 'days' or (check_in_time is not null and check_out_time is not null))
);
-- Query.resources: an association's resources by name
create index resources_by_name on reservations.resources (association_id, name);

-- Opening hours per ISO weekday (1 = Monday); several intervals a day are allowed. No rows: open around the clock.
create table reservations.opening_hours (
  association_id uuid not null,
  resource_id uuid not null,
  weekday smallint not null check (weekday between 1 and 7),
  opens time not null,
  -- '24:00' closes at midnight
  closes time not null check (closes > opens),
  primary key (association_id, resource_id, weekday, opens),
  foreign key (association_id, resource_id) references reservations.resources (association_id, id) on delete cascade
);

-- Holidays and maintenance: no booking may overlap a closed period.
create table reservations.closed_periods (
  association_id uuid not null,
  id uuid not null,
  resource_id uuid not null,
  during tstzrange not null check (not isempty(during)),
  reason text not null check (length(reason) between 1 and 500),
  created_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, resource_id) references reservations.resources (association_id, id) on delete cascade
);
-- availability and booking checks: a resource's closed periods overlapping a range
create index closed_periods_by_resource on reservations.closed_periods using gist (association_id, resource_id, during);

-- Quotas per household (unit) or person: at most max_bookings future bookings, or in the calendar year/month of the
-- booking's start, or in the rolling period_days before it.
create table reservations.quotas (
  association_id uuid not null,
  id uuid not null,
  resource_id uuid not null,
  per text not null check (per in ('unit', 'person')),
  period text not null check (period in ('future', 'calendar_year', 'calendar_month', 'rolling')),
  period_days integer check (period_days > 0),
  max_bookings integer not null check (max_bookings > 0),
  primary key (association_id, id),
  foreign key (association_id, resource_id) references reservations.resources (association_id, id) on delete cascade,
  check ((period = 'rolling') = (period_days is not null))
);

create table reservations.bookings (
  association_id uuid not null,
  id uuid not null,
  resource_id uuid not null,
  booker_member_id uuid not null,
  -- the household the booking counts against (the booker's unit); null for people without one (board, externals)
  unit_id uuid,
  during tstzrange not null check (not isempty(during) and lower_inc(during) and not upper_inc(during)),
  -- during plus the resource's buffer: what no other booking may overlap
  blocked tstzrange not null check (blocked @> during),
  status text not null check (status in ('pending', 'confirmed', 'cancelled', 'rejected')),
  comment text check (length(comment) <= 1000),
  hide_name boolean not null default false,
  idempotency_key text not null check (length(idempotency_key) between 1 and 200),
  price integer not null default 0,
  deposit integer not null default 0,
  rules_accepted_at timestamptz,
  decided_at timestamptz,
  decided_by_member_id uuid,
  decision_reason text,
  cancelled_at timestamptz,
  cancelled_by_member_id uuid,
  cancel_reason text,
  reminded_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, resource_id) references reservations.resources (association_id, id),
  -- a retried request finds the booking it made the first time
  unique (association_id, booker_member_id, idempotency_key),
  -- No double booking, ever, races included: live bookings of one resource never overlap (buffers included).
  constraint bookings_no_overlap exclude using gist (association_id with =, resource_id with =, blocked with &&)
    where (status in ('pending', 'confirmed'))
);
-- availability and calendars: a resource's bookings in a range (the exclusion constraint's index serves live ones)
create index bookings_by_resource on reservations.bookings using gist (association_id, resource_id, during);
-- quotas and "my bookings": a household's and a person's bookings by start
create index bookings_by_unit on reservations.bookings (association_id, unit_id, lower(during)) where unit_id is not null;
create index bookings_by_booker on reservations.bookings (association_id, booker_member_id, lower(during));
-- reminders: live bookings starting soon that were not reminded yet
create index bookings_reminder_due on reservations.bookings (lower(during)) where status = 'confirmed' and reminded_at is null;

-- What the property manager bills: one row per paid booking and per late-cancellation fee. Accounting data, kept
-- five years (bokføringsloven), so rows are never updated or deleted by the application.
create table reservations.charges (
  association_id uuid not null,
  id uuid not null,
  booking_id uuid not null,
  unit_id uuid,
  member_id uuid not null,
  amount integer not null,
  reason text not null check (reason in ('booking', 'late_cancellation', 'cancellation_refund')),
  description text not null,
  created_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, booking_id) references reservations.bookings (association_id, id)
);
-- Query.charges: the property manager's export by time
create index charges_by_time on reservations.charges (association_id, created_at, id);

-- Private calendar feeds: one per person, one per resource per person who asked; only a hash of the token is kept.
create table reservations.calendar_feeds (
  association_id uuid not null,
  id uuid not null,
  member_id uuid not null,
  resource_id uuid,
  token_hash text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  primary key (association_id, id),
  unique nulls not distinct (association_id, member_id, resource_id)
);
-- GET /bookings-calendar/<token>.ics: find the feed by its token's hash
create unique index calendar_feeds_by_token on reservations.calendar_feeds (token_hash);

do $$
declare t text;
begin
  foreach t in array array['locations', 'resources', 'opening_hours', 'closed_periods', 'quotas', 'bookings', 'charges', 'calendar_feeds'] loop
    execute format('alter table reservations.%I enable row level security', t);
    execute format('alter table reservations.%I force row level security', t);
    execute format('create policy tenant_isolation on reservations.%I using (association_id = reservations.current_association_id() or reservations.in_system_scope())', t);
  end loop;
end $$;
