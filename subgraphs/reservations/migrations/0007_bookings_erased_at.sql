-- A booking kept only for its charges after its booker was erased is marked here (decision 0036). The charges
-- retention job deletes such a booking once its last charge is gone; it used to recognise one by an idempotency key
-- starting with 'erased:', which a client chooses, so a resident's own free booking with that key was deleted too.
alter table reservations.bookings add column erased_at timestamptz;
-- The charges retention job: bookings kept for their charges (few; most bookings are never erased).
create index bookings_erased on reservations.bookings (association_id, id) where erased_at is not null;
