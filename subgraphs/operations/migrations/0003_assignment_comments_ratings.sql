-- Assignment, comments and ratings of service requests (docs/decisions/0042).

-- Whom a request is assigned to: a member the board chose who was, when assigned, a current external (the caretaker)
-- or board member (checked with members). The assignee sees and works on the request; null while nobody is.
alter table operations.service_requests
  add column assignee_member_id uuid,
  add column assigned_at timestamptz,
  add check ((assignee_member_id is null) = (assigned_at is null));
-- The caretaker's list (assignedServiceRequests), newest first, and the privacy export and erasure of an assignee.
create index service_requests_by_assignee on operations.service_requests (association_id, assignee_member_id, created_at desc, id desc)
  where assignee_member_id is not null;

-- The supplier engaged on a request (rørlegger, elektriker), with a contact person: personal data of someone who is
-- no member, shown to the board and the assignee only, and deleted with the request or when the board removes it.
create table operations.service_request_suppliers (
  association_id uuid not null,
  request_id uuid not null,
  name text not null check (length(name) between 1 and 120),
  contact_name text check (length(contact_name) between 1 and 120),
  contact_email text check (length(contact_email) between 3 and 254),
  contact_phone text check (length(contact_phone) between 5 and 20),
  -- the board member who engaged it; null once they were erased
  engaged_by_member_id uuid,
  engaged_at timestamptz not null,
  primary key (association_id, request_id),
  foreign key (association_id, request_id) references operations.service_requests (association_id, id) on delete cascade,
  check (contact_email is not null or contact_phone is not null)
);
-- Erasure and export: the suppliers a board member engaged.
create index service_request_suppliers_by_engager on operations.service_request_suppliers (association_id, engaged_by_member_id)
  where engaged_by_member_id is not null;

-- Comments on a request: PUBLIC ones between the reporter, the board and the assignee; INTERNAL ones for the board and
-- the assignee alone, never shown, counted, sent or exported to the reporter.
create table operations.service_request_comments (
  association_id uuid not null,
  id uuid not null,
  request_id uuid not null,
  -- who wrote it; the association's "Former resident" member once they were erased
  author_member_id uuid not null,
  visibility text not null check (visibility in ('public', 'internal')),
  body text not null check (length(body) between 1 and 4000),
  created_at timestamptz not null,
  primary key (association_id, id),
  foreign key (association_id, request_id) references operations.service_requests (association_id, id) on delete cascade
);
-- ServiceRequest.comments: a request's comments in order, the reporter's filtered to PUBLIC by the same index.
create index service_request_comments_by_request on operations.service_request_comments (association_id, request_id, created_at, id);
-- Erasure and export: the comments a member wrote.
create index service_request_comments_by_author on operations.service_request_comments (association_id, author_member_id);

-- The reporter's rating once the work is done: one per request, ever (the primary key keeps a second one out, also
-- when two arrive at once).
create table operations.service_request_ratings (
  association_id uuid not null,
  request_id uuid not null,
  -- the reporter who rated; the association's "Former resident" member once they were erased
  rater_member_id uuid not null,
  score smallint not null check (score between 1 and 5),
  comment text check (length(comment) between 1 and 2000),
  created_at timestamptz not null,
  primary key (association_id, request_id),
  foreign key (association_id, request_id) references operations.service_requests (association_id, id) on delete cascade
);
-- Erasure and export: the ratings a member gave.
create index service_request_ratings_by_rater on operations.service_request_ratings (association_id, rater_member_id);

do $$
declare t text;
begin
  foreach t in array array['service_request_suppliers', 'service_request_comments', 'service_request_ratings'] loop
    execute format('alter table operations.%I enable row level security', t);
    execute format('alter table operations.%I force row level security', t);
    execute format('create policy tenant_isolation on operations.%I using (association_id = operations.current_association_id() or operations.in_system_scope())', t);
  end loop;
end $$;
