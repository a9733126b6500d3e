import { BOOKING_BOOKER_ROUTE, bookingBookerRequestSchema, processRoute, type InternalRoute } from '@tunet/kit';
import type { BookingsRepository } from './bookings.repository';

/** Who booked a booking of the association (operations links a service request to it); null for none or another's. */
export function bookingsInternalRoutes(repository: BookingsRepository): Record<string, InternalRoute> {
  return {
    [BOOKING_BOOKER_ROUTE]: processRoute(bookingBookerRequestSchema, async ({ associationId, bookerOfBookingId }) => {
      const [booking] = await repository.findBookings(associationId, [bookerOfBookingId]);
      return { bookerMemberId: booking?.bookerMemberId ?? null };
    }),
  };
}
