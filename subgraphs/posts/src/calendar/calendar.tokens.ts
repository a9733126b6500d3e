import { randomBytes } from 'node:crypto';
import { CalendarFeeds, feedKeyFrom, type SubgraphDatabase } from '@tunet/kit';

/** The public route of posts' feeds: `/calendar/<token>.ics`. */
export const CALENDAR_ROUTE = 'calendar';

/** The key of posts' calendar feed tokens (kit's feed-tokens.ts); its purpose string is in every issued URL. */
export function calendarKeyFrom(secret: string): Buffer {
  return feedKeyFrom(secret, 'tunet calendar feed tokens');
}

/**
 * Posts' feeds on the kit's lifecycle, keyed from the gateway signing secret; without one (tests) the key is
 * random and URLs last as long as the process.
 */
export function calendarFeedsOf(db: SubgraphDatabase, secret: string | undefined, now?: () => Date): CalendarFeeds {
  return new CalendarFeeds(db, { key: secret ? calendarKeyFrom(secret) : randomBytes(32), route: CALENDAR_ROUTE, now });
}
