import { isMember, type Viewer } from '@tunet/kit';

/** Who may do what with bookings calendar feeds. Pure functions: no I/O, easy to test as a matrix. */

/**
 * Every member sees when the association's resources are taken, externals included: the caretaker plans around the
 * party room too. A feed needs a member to hold it, so an integration key has none, and a platform admin without a
 * membership reads no association's bookings. The feed URL itself is the only authorisation the public route asks.
 */
export function canHaveBookingsCalendar(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId;
}
