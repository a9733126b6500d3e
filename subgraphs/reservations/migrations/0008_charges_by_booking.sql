-- A booking's charges (decision 0048): Booking.cancellation's fee and refund, read per page of bookings by the
-- chargesByBooking loader, and what cancelling refunds (chargedFor in bookings.repository.ts).
create index charges_by_booking on reservations.charges (association_id, booking_id);
