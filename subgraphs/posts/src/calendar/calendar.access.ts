import type { Viewer } from '@tunet/kit';
import { canReadEvents } from '../events/events.access';

/** Who may do what with calendar feeds. Pure functions: no I/O, easy to test as a matrix. */

/**
 * A feed is the association's events in the member's own calendar app, so whoever reads the events may have one,
 * externals included. An integration key has no member to hold a feed and reads events through no other door
 * either; the feed URL itself is the only authorisation the public route asks for.
 */
export function canHaveCalendarFeed(viewer: Viewer | null, associationId: string): boolean {
  return canReadEvents(viewer, associationId);
}
