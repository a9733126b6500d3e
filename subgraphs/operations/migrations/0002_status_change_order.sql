-- A request's status changes in the order they were made: two changes within the same millisecond (or under a clock a
-- test holds still) have the same `at`, and their random ids say nothing of order. Identity values follow the commits
-- of one request's changes, which its row lock serialises (service-requests.repository.ts).
alter table operations.service_request_status_changes add column seq bigint generated always as identity;
-- ServiceRequest.history: a request's changes in order (replaces the index by time).
create index service_request_status_changes_in_order on operations.service_request_status_changes (association_id, request_id, seq);
drop index operations.service_request_status_changes_by_request;
