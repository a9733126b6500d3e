-- The operations subgraph (docs/decisions/0041): the operations center, a paid add-on (feature operationsCenter).
-- The runner (packages/kit/src/database.ts) has created the schema, the role tunet_operations, the functions the
-- row-level-security policies call, the outbox and the dead letters. This migration holds the service requests
-- (feilmeldinger) and their status history; later migrations add assignment, comments and ratings, deadlines and the
-- maintenance plan.

-- One row per fault a member reported. Location: the reporter's own unit (from a current tenure when reported), a
-- building, or a common area (optionally in a building, with a short name of the place); the ids are members' and
-- were checked with members when reported.
create table operations.service_requests (
  association_id uuid not null,
  id uuid not null,
  -- the member who reported it; the association's "Former resident" member once they were erased
  reporter_member_id uuid not null,
  category text not null check (category in ('plumbing', 'electrical', 'heating_ventilation', 'common_areas', 'outdoor', 'security_locks', 'other')),
  location_kind text not null check (location_kind in ('unit', 'building', 'common_area')),
  unit_id uuid,
  building_id uuid,
  -- where in the building or the grounds (the laundry room, the bike shed), for a common area
  place text check (length(place) between 1 and 120),
  title text not null check (length(title) between 1 and 120),
  description text not null check (length(description) between 1 and 4000),
  urgency text not null check (urgency in ('normal', 'urgent')),
  urgent_reason text check (urgent_reason in ('water_leak', 'no_heat', 'no_power', 'locked_out')),
  status text not null check (status in ('new', 'acknowledged', 'in_progress', 'waiting', 'resolved', 'closed', 'rejected')),
  -- residents of the building (or of the association, without a building) see it as "already reported"
  visible_to_residents boolean not null default false,
  rejection_reason text check (length(rejection_reason) between 1 and 1000),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  -- the first acknowledgement, the latest resolution and the closing: reporting's response and resolution times
  acknowledged_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  primary key (association_id, id),
  check ((urgency = 'urgent') = (urgent_reason is not null)),
  check ((status = 'rejected') = (rejection_reason is not null)),
  check (location_kind <> 'unit' or (unit_id is not null and place is null)),
  check (location_kind <> 'building' or (building_id is not null and unit_id is null and place is null)),
  check (location_kind <> 'common_area' or (unit_id is null and place is not null)),
  check (not visible_to_residents or location_kind <> 'unit')
);
-- The board's list (serviceRequests): an association's requests, newest first.
create index service_requests_by_time on operations.service_requests (association_id, created_at desc, id desc);
-- A resident's own list (myServiceRequests) and the privacy export and erasure of a reporter.
create index service_requests_by_reporter on operations.service_requests (association_id, reporter_member_id, created_at desc, id desc);
-- "Already reported": the requests shown to residents, by building.
create index service_requests_visible on operations.service_requests (association_id, building_id, created_at desc, id desc) where visible_to_residents;

-- Every status change of a request, the report itself included (from_status null): the audit trail.
create table operations.service_request_status_changes (
  association_id uuid not null,
  id uuid not null,
  request_id uuid not null,
  at timestamptz not null,
  -- the member who changed it; null for an operator in a support session or the system, or once that member was erased
  actor_member_id uuid,
  actor_kind text not null check (actor_kind in ('member', 'operator', 'system')),
  from_status text check (from_status in ('new', 'acknowledged', 'in_progress', 'waiting', 'resolved', 'closed', 'rejected')),
  to_status text not null check (to_status in ('new', 'acknowledged', 'in_progress', 'waiting', 'resolved', 'closed', 'rejected')),
  reason text check (length(reason) between 1 and 1000),
  primary key (association_id, id),
  foreign key (association_id, request_id) references operations.service_requests (association_id, id) on delete cascade
);
-- ServiceRequest.history: a request's changes in order.
create index service_request_status_changes_by_request on operations.service_request_status_changes (association_id, request_id, at, id);
-- Erasure and export: the changes a member made.
create index service_request_status_changes_by_actor on operations.service_request_status_changes (association_id, actor_member_id) where actor_member_id is not null;

do $$
declare t text;
begin
  foreach t in array array['service_requests', 'service_request_status_changes'] loop
    execute format('alter table operations.%I enable row level security', t);
    execute format('alter table operations.%I force row level security', t);
    execute format('create policy tenant_isolation on operations.%I using (association_id = operations.current_association_id() or operations.in_system_scope())', t);
  end loop;
end $$;
