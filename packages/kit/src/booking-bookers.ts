import { z } from 'zod';
import { postInternalRoute, routeFailure } from './internal-routes';

/**
 * Who booked a booking of the association, for a subgraph that links something to it: operations links a service
 * request to a booking (damage after a party-room booking) and lets the booker see the request. Answered from the
 * database on every call; a booking of another association, or none, answers null.
 */
export const BOOKING_BOOKER_ROUTE = 'reservations/booking-booker';

// Strict, and with a key no other internal route takes: a body signed for one route means nothing to another.
export const bookingBookerRequestSchema = z.strictObject({ associationId: z.guid(), bookerOfBookingId: z.guid() });
export type BookingBookerRequest = z.infer<typeof bookingBookerRequestSchema>;

export const bookingBookerAnswerSchema = z.strictObject({ bookerMemberId: z.guid().nullable() });
export type BookingBookerAnswer = z.infer<typeof bookingBookerAnswerSchema>;

export interface BookingBookers {
  /** The member who booked the booking in the association; null when the association has no such booking. */
  bookerOf(associationId: string, bookingId: string): Promise<string | null>;
}

/** Asks reservations' internal route on every call, signed like every internal call; nothing is cached. */
export class SignedBookingBookers implements BookingBookers {
  constructor(
    private readonly reservationsGraphqlUrl: () => string,
    private readonly internalSecret: string,
  ) {}

  async bookerOf(associationId: string, bookingId: string): Promise<string | null> {
    const response = await postInternalRoute({
      graphqlUrl: this.reservationsGraphqlUrl(),
      route: BOOKING_BOOKER_ROUTE,
      internalSecret: this.internalSecret,
      payload: { associationId, bookerOfBookingId: bookingId } satisfies BookingBookerRequest,
      timeoutMs: 10_000,
    });
    if (!response.ok) throw routeFailure(BOOKING_BOOKER_ROUTE, response.status);
    return bookingBookerAnswerSchema.parse(await response.json()).bookerMemberId;
  }
}
