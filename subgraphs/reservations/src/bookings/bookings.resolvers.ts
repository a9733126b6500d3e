import { notFound } from '@tunet/kit';
import type { Resolvers } from '../__generated__/resolvers-types';
import type { ReservationsContext } from '../context';
import { wasCancelledByBoard } from './bookings.access';
import type { BookingRow } from './bookings.repository';

/** A booking's resource exists in its association; only a viewer who may not read resources finds none. */
async function resourceOf(booking: BookingRow, ctx: ReservationsContext) {
  const resource = await ctx.resourceLoaders.resourceById.load(booking.resourceId);
  if (!resource) throw notFound('Resource');
  return resource;
}

export const bookingsResolvers: Resolvers = {
  Query: {
    booking: (_root, { id }, ctx) => ctx.bookings.booking(ctx.viewer, ctx.bookingLoaders, id),
    myBookings: (_root, args, ctx) => ctx.bookings.myBookings(ctx.viewer, args),
    bookingQuote: (_root, { input }, ctx) => ctx.bookings.quote(ctx.viewer, input),
    bookings: (_root, { resourceId, from, to }, ctx) => ctx.bookings.resourceBookings(ctx.viewer, resourceId, from, to),
    charges: (_root, args, ctx) => ctx.bookings.charges(ctx.viewer, args),
  },
  Mutation: {
    createBooking: async (_root, { input }, ctx) => ({
      booking: await ctx.bookings.createBooking(ctx.viewer, ctx.bookingLoaders, input),
    }),
    cancelBooking: (_root, { input }, ctx) => ctx.bookings.cancelBooking(ctx.viewer, ctx.bookingLoaders, input),
    decideBooking: async (_root, { input }, ctx) => ({
      booking: await ctx.bookings.decideBooking(ctx.viewer, ctx.bookingLoaders, input),
    }),
  },
  Booking: {
    __resolveReference: (ref, ctx) => ctx.bookingLoaders.bookingById.load(ref.id),
    resource: (booking, _args, ctx) => resourceOf(booking, ctx),
    booker: async (booking, _args, ctx) => {
      const memberId = ctx.bookings.bookerOf(ctx.viewer, booking, await ctx.resourceLoaders.resourceById.load(booking.resourceId));
      // Only the reference: the gateway asks the members subgraph for the member's fields.
      return memberId ? { __typename: 'Member', id: memberId } : null;
    },
    nameHidden: (booking) => booking.hideName,
    start: (booking) => booking.during.start,
    end: (booking) => booking.during.end,
    comment: (booking, _args, ctx) => ctx.bookings.detail(ctx.viewer, booking, booking.comment),
    price: (booking, _args, ctx) => ctx.bookings.detail(ctx.viewer, booking, booking.price),
    deposit: (booking, _args, ctx) => ctx.bookings.detail(ctx.viewer, booking, booking.deposit),
    unitId: (booking, _args, ctx) => ctx.bookings.unitOf(ctx.viewer, booking),
    cancellation: async (booking, _args, ctx) => {
      const at = booking.cancelledAt ?? (booking.status === 'rejected' ? booking.decidedAt : null);
      if (!at) return null;
      const byBoard = wasCancelledByBoard(booking);
      const reason = booking.status === 'rejected' ? booking.decisionReason : booking.cancelReason;
      const costs = await ctx.bookings.cancellationCostsOf(ctx.viewer, booking, ctx.bookingLoaders);
      return { at, byBoard, reason: ctx.bookings.detail(ctx.viewer, booking, reason), fee: costs?.fee ?? null, refunded: costs?.refunded ?? null };
    },
    viewerCanCancel: (booking, _args, ctx) => ctx.bookings.viewerCanCancel(ctx.viewer, booking),
    freeCancellationUntil: async (booking, _args, ctx) =>
      ctx.bookings.cancellationTermsOf(ctx.viewer, booking, await resourceOf(booking, ctx))?.freeUntil ?? null,
    lateCancellationFee: async (booking, _args, ctx) => ctx.bookings.cancellationTermsOf(ctx.viewer, booking, await resourceOf(booking, ctx))?.feeAfter ?? null,
  },
  BookingQuote: {
    start: (quote) => quote.range.start,
    end: (quote) => quote.range.end,
    canBook: (quote) => quote.refusal === null,
    currency: () => 'NOK',
  },
  BookingRefusal: {
    field: (refusal) => refusal.field ?? null,
  },
  Charge: {
    // An integration key reads charges but not bookings: it bills from bookingId and the description.
    booking: (charge, _args, ctx) => ctx.bookingLoaders.bookingById.load(charge.bookingId),
    member: (charge) => ({ __typename: 'Member', id: charge.memberId }),
  },
};
