import type { Announcement } from '@tunet/kit';

/** The fields of a tenure a move-out announcement names. */
export interface EndingTenure {
  id: string;
  memberId: string;
  unitId: string;
  moveOut: string | null;
}

/**
 * Whether a tenure whose move-out day was `before` (null: none, or a new tenure) and is now `after` must be
 * announced as `member.moved_out`: when a day is set, and whenever it moves, earlier or later. Each announcement
 * carries the day now in force; consumers act on it as on any (reservations cancels the member's bookings after
 * it, posts and reservations end calendar feeds with it), and what an earlier day made them do stays done. A change
 * that keeps the day announces nothing, nor does clearing it: no one leaves, and there is no topic to undo a move-out.
 * Nor does the end of a tenure while another of the member's runs on past it (`livesOn`): a move to another unit, or
 * history recorded for someone who still lives here, must not cancel their bookings or end their feeds.
 */
export function announcesMoveOut(before: string | null, after: string | null): boolean {
  return after !== null && after !== before;
}

/**
 * The announcements of a tenure's change, every path that sets or moves a move-out day (the board's add, update and
 * move-out, the import) goes through this. `timeZone` is the association's: the day ends at midnight there.
 */
export function moveOutAnnouncements(tenure: EndingTenure, moveOutBefore: string | null, timeZone: string, livesOn = false): Announcement[] {
  const { id: tenureId, memberId, unitId, moveOut } = tenure;
  if (moveOut === null || livesOn || !announcesMoveOut(moveOutBefore, moveOut)) return [];
  return [{ topic: 'member.moved_out', payload: { memberId, unitId, tenureId, moveOut, timeZone } }];
}
