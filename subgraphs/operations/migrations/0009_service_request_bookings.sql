-- A service request linked to a booking (docs/decisions/0041, addendum "links"): damage after a party-room booking.
-- The booking is reservations'; operations keeps its id and, checked with reservations when the board links it, who
-- booked it, so the booker sees the request without asking reservations on every read. Both null while unlinked.
alter table operations.service_requests
  add column booking_id uuid,
  -- personal data: the member who booked (PERSONAL_DATA catalogue; erased to null)
  add column booker_member_id uuid,
  add check ((booking_id is null) = (booker_member_id is null));

-- myServiceRequests for the booker: … where association_id = $1 and (reporter_member_id = $2 or booker_member_id = $2)
-- order by flag desc, created_at desc, id desc; and the privacy export and erasure of a booker.
create index service_requests_by_booker on operations.service_requests (association_id, booker_member_id) where booker_member_id is not null;
