-- Response and resolution deadlines of service requests (docs/decisions/0043): the board's own hours per category
-- and urgency where it changed the defaults (the defaults are the code's, request-deadlines.rules.ts), each request's
-- two deadlines, stamped from the rules shortly after it is reported, and when its one overdue notice was written.

create table operations.service_request_deadline_settings (
  association_id uuid not null,
  category text not null check (category in ('plumbing', 'electrical', 'heating_ventilation', 'common_areas', 'outdoor', 'security_locks', 'other')),
  urgency text not null check (urgency in ('normal', 'urgent')),
  -- hours from the report to the first answer (acknowledged), and to resolved
  response_hours integer not null check (response_hours between 1 and 8760),
  resolution_hours integer not null check (resolution_hours between 1 and 8760),
  -- the board member who set them; null once they were erased
  updated_by_member_id uuid,
  updated_at timestamptz not null,
  primary key (association_id, category, urgency),
  check (response_hours <= resolution_hours)
);

alter table operations.service_requests
  add column response_due_at timestamptz,
  add column resolution_due_at timestamptz,
  -- when the overdue sweep claimed it: set once, so the board and the assignee are told once across replicas
  add column overdue_notified_at timestamptz;

-- The deadline sweep's first step: requests reported since it last ran, whose deadlines are not stamped yet.
create index service_requests_unstamped on operations.service_requests (created_at) where response_due_at is null;
-- The overdue sweep, across associations: open requests nobody was told about, by their resolution deadline.
create index service_requests_overdue_unnotified on operations.service_requests (resolution_due_at)
  where overdue_notified_at is null and status in ('new', 'acknowledged', 'in_progress', 'waiting');

alter table operations.service_request_deadline_settings enable row level security;
alter table operations.service_request_deadline_settings force row level security;
create policy tenant_isolation on operations.service_request_deadline_settings
  using (association_id = operations.current_association_id() or operations.in_system_scope());
