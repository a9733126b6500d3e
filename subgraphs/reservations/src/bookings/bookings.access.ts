import { hasScope, isMember, type Viewer } from '@tunet/kit';
import { notArchived, whoMayBook, type BookingRefusalReason, type RuleResource } from '../rules/booking.rules';
import type { BookerRole, TimeRange } from '../tables';

/** Who may do what with bookings. Pure functions: no I/O, easy to test as a matrix. */

/**
 * Every member may ask to book, externals included: each resource's `who_may_book` then decides (the caretaker
 * may book the tool shed but not the guest flat). Platform admins and integrations are not members.
 */
export function canBook(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId;
}

/** Every member sees when resources are taken: the caretaker has to know that the party room is busy on Saturday. */
export function canReadBookings(viewer: Viewer | null, associationId: string): boolean {
  return canBook(viewer, associationId);
}

/**
 * The property manager bills from the charges: the board exports them, or the manager's system reads them with an
 * API key that has the `charges:read` scope.
 */
export function canExportCharges(viewer: Viewer | null, associationId: string): boolean {
  return canManageBookings(viewer, associationId) || hasScope(viewer, associationId, 'charges:read');
}

/** Approving, rejecting and cancelling other people's bookings are the board's job. */
export function canManageBookings(viewer: Viewer | null, associationId: string): boolean {
  return canBook(viewer, associationId) && viewer?.role === 'board';
}

type Owned = { associationId: string; bookerMemberId: string };

/**
 * Who may cancel a live booking now, as cancelBooking decides: its booker until it starts, the board anyone's until
 * it ends. A board member's own booking is theirs as a booker.
 */
export function canCancel(viewer: Viewer | null, booking: Owned & { status: string; during: TimeRange }, now: Date): boolean {
  if (booking.status !== 'pending' && booking.status !== 'confirmed') return false;
  if (isBooker(viewer, booking)) return booking.during.start > now;
  return canManageBookings(viewer, booking.associationId) && booking.during.end > now;
}

/**
 * Why the viewer may not book a resource at all, whatever the time: not a member of its association, a role it does
 * not take, or archived. Null when they may; the time's own rules come with a quote.
 */
export function bookingRefusalFor(viewer: Viewer | null, resource: RuleResource): BookingRefusalReason | null {
  if (!isMember(viewer) || !canBook(viewer, resource.associationId)) return 'BOOKING_NOT_ALLOWED';
  return (whoMayBook(resource, viewer.role) ?? notArchived(resource))?.reason ?? null;
}

export function isBooker(viewer: Viewer | null, booking: Owned): boolean {
  return canBook(viewer, booking.associationId) && viewer?.memberId === booking.bookerMemberId;
}

/** Comment, money, household and cancellation reason are between the booker and the board. */
export function canSeeBookingDetails(viewer: Viewer | null, booking: Owned): boolean {
  return isBooker(viewer, booking) || canManageBookings(viewer, booking.associationId);
}

/**
 * Who booked is shown to those who may book the resource themselves, so neighbours can sort out a swap, unless the
 * booker hid their name; the booker and the board always see it.
 */
export function canSeeBooker(viewer: Viewer | null, booking: Owned & { hideName: boolean }, whoMayBook: readonly BookerRole[]): boolean {
  if (canSeeBookingDetails(viewer, booking)) return true;
  return !booking.hideName && isMember(viewer) && viewer.associationId === booking.associationId && whoMayBook.includes(viewer.role);
}

/**
 * A rejection is always the board's; a cancellation is when someone other than the booker made it. One cancelled
 * by no one in particular was cancelled because the booker moved out, which is not the board's doing.
 */
export function wasCancelledByBoard(booking: { status: string; bookerMemberId: string; cancelledByMemberId: string | null }): boolean {
  return booking.status === 'rejected' || (booking.cancelledByMemberId !== null && booking.cancelledByMemberId !== booking.bookerMemberId);
}
