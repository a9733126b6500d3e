import { randomBytes } from 'node:crypto';
import { CalendarFeeds, feedKeyFrom, type SubgraphDatabase } from '@tunet/kit';

/** The public route of bookings feeds: `/bookings-calendar/<token>.ics`. */
export const BOOKINGS_CALENDAR_ROUTE = 'bookings-calendar';

/**
 * Reservations' feeds on the kit's lifecycle, under a key of their own derived from the gateway signing secret (its
 * purpose string is in every issued URL); without a secret (tests) the key is random and URLs last as long as the
 * process.
 */
export function bookingsCalendarFeedsOf(db: SubgraphDatabase, secret: string | undefined, now?: () => Date): CalendarFeeds {
  const key = secret ? feedKeyFrom(secret, 'tunet bookings calendar feed tokens') : randomBytes(32);
  return new CalendarFeeds(db, { key, route: BOOKINGS_CALENDAR_ROUTE, now });
}
