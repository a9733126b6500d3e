import { clientRoutes } from '@tunet/kit';
import { bilingual, paragraphs, type Render } from './bilingual';

/** What people read about their bookings and those awaiting the board (reservations). */

/** What every reservation event says about its booking. */
export interface BookingSummary {
  bookingId: string;
  resourceName: string;
  start: string;
  end: string;
}

/** What reservations writes as the reason when a move-out cancels a booking (lifecycle.move-outs.ts). */
export const MOVED_OUT_REASON = 'Moved out';

/** For the booker: the booking is confirmed (at once, or approved by the board). */
export function bookingConfirmed(booking: BookingSummary, occurredAt: Date): Render {
  const link = clientRoutes.booking(booking.bookingId);
  return bilingual(occurredAt, {
    nb: (_association, clock) => ({
      title: `Booking bekreftet: ${booking.resourceName}`,
      body: `Bookingen din av ${booking.resourceName} ${clock.range(booking.start, booking.end)} er bekreftet.`,
      link,
      action: 'Se bookingen',
    }),
    en: (_association, clock) => ({
      title: `Booking confirmed: ${booking.resourceName}`,
      body: `Your booking of ${booking.resourceName} ${clock.range(booking.start, booking.end)} is confirmed.`,
      link,
      action: 'See the booking',
    }),
  });
}

/** For the booker: the board declined or cancelled the booking, or a move-out ended it. */
export function bookingCancelled(booking: BookingSummary & { reason: string | null; byBoard: boolean; rejected: boolean }, occurredAt: Date): Render {
  const link = clientRoutes.booking(booking.bookingId);
  const movedOut = booking.reason === MOVED_OUT_REASON;
  const reason = movedOut ? null : booking.reason;
  return bilingual(occurredAt, {
    nb: (_association, clock) => {
      const what = `bookingen din av ${booking.resourceName} ${clock.range(booking.start, booking.end)}`;
      return {
        title: booking.rejected ? `Booking avslått: ${booking.resourceName}` : `Booking avlyst: ${booking.resourceName}`,
        body: paragraphs(
          booking.rejected
            ? `Styret har avslått ${what}.`
            : movedOut
              ? `${capitalize(what)} er avlyst fordi du flytter ut før den begynner.`
              : booking.byBoard
                ? `Styret har avlyst ${what}.`
                : `${capitalize(what)} er avlyst.`,
          reason && `Begrunnelse: ${reason}`,
        ),
        link,
        action: 'Se bookingen',
      };
    },
    en: (_association, clock) => {
      const what = `your booking of ${booking.resourceName} ${clock.range(booking.start, booking.end)}`;
      return {
        title: booking.rejected ? `Booking declined: ${booking.resourceName}` : `Booking cancelled: ${booking.resourceName}`,
        body: paragraphs(
          booking.rejected
            ? `The board has declined ${what}.`
            : movedOut
              ? `${capitalize(what)} is cancelled because you move out before it starts.`
              : booking.byBoard
                ? `The board has cancelled ${what}.`
                : `${capitalize(what)} is cancelled.`,
          reason && `Reason: ${reason}`,
        ),
        link,
        action: 'See the booking',
      };
    },
  });
}

/** For the board: a booking of a resource that needs approval waits for its decision. */
export function bookingAwaitsApproval(booking: BookingSummary, occurredAt: Date): Render {
  const link = clientRoutes.booking(booking.bookingId);
  return bilingual(occurredAt, {
    nb: (_association, clock) => ({
      title: `Booking venter på godkjenning: ${booking.resourceName}`,
      body: `En booking av ${booking.resourceName} ${clock.range(booking.start, booking.end)} venter på at styret godkjenner eller avslår den.`,
      link,
      action: 'Behandle bookingen',
    }),
    en: (_association, clock) => ({
      title: `Booking awaits approval: ${booking.resourceName}`,
      body: `A booking of ${booking.resourceName} ${clock.range(booking.start, booking.end)} waits for the board to approve or decline it.`,
      link,
      action: 'Decide on the booking',
    }),
  });
}

/** For the booker, the day before. */
export function bookingReminder(booking: BookingSummary, occurredAt: Date): Render {
  const link = clientRoutes.booking(booking.bookingId);
  return bilingual(occurredAt, {
    nb: (_association, clock) => ({
      title: `Påminnelse: ${booking.resourceName}`,
      body: `Du har booket ${booking.resourceName} ${clock.range(booking.start, booking.end)}.`,
      link,
      action: 'Se bookingen',
    }),
    en: (_association, clock) => ({
      title: `Reminder: ${booking.resourceName}`,
      body: `You have booked ${booking.resourceName} ${clock.range(booking.start, booking.end)}.`,
      link,
      action: 'See the booking',
    }),
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
