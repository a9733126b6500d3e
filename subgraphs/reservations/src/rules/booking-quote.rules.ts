import type { TimeRange } from '../tables';
import {
  bookingHorizon,
  cancellationTerms,
  depositOf,
  firstRefusal,
  minimumNotice,
  needsApproval,
  platformHorizon,
  priceOf,
  scheduleFit,
  type BookingRequest,
  type QuotaRow,
  type Refusal,
  type RuleResource,
} from './booking.rules';

/** How much of one quota is used in the period the booking falls in, and what is left before and after it. */
export interface QuotaLeft {
  quota: QuotaRow;
  used: number;
  remaining: number;
  remainingAfter: number;
}

/** What booking a time would cost and whether createBooking would take it now. */
export interface Quote {
  resource: RuleResource;
  range: TimeRange;
  refusal: Refusal | null;
  requiresApproval: boolean;
  /** Null when the time cannot be booked at all: it bounds neither the stay nor the work of pricing it. */
  price: number | null;
  deposit: number;
  quotas: QuotaLeft[];
  freeCancellationUntil: Date | null;
  lateCancellationFee: number | null;
}

/**
 * The quote for a time, from what createBooking reads (BookingsRepository.quoteSetting) and by the same
 * `firstRefusal`, so a quote and a booking cannot disagree but for a race or a change in between. Rules acceptance
 * is the booker's to give when booking (Resource.requiresRulesAcceptance), so the quote assumes it. A time that fails
 * the time rules (past, beyond the horizon, not fitting the schedule) gets no price: a year-9999 stay is no price
 * anyone needs, and the horizon bounds how many nights a price counts.
 */
export function quoteOf(request: Omit<BookingRequest, 'acceptRules'> & { taken: boolean }): Quote {
  const { resource, range, role, now } = request;
  const timeRefusal =
    minimumNotice(resource, range, now) ??
    bookingHorizon(resource, range, now) ??
    platformHorizon(resource, range, now) ??
    scheduleFit(resource, request.openingHours, request.closedPeriods, range);
  const price = timeRefusal ? null : priceOf(resource, range, role);
  const terms = price === null ? null : cancellationTerms(resource, { during: range, price });
  return {
    resource,
    range,
    refusal: firstRefusal({ ...request, acceptRules: true }),
    requiresApproval: needsApproval(resource, role),
    price,
    deposit: depositOf(resource, role),
    quotas: request.quotaCounts.map(({ quota, count }) => ({
      quota,
      used: count,
      remaining: Math.max(0, quota.maxBookings - count),
      remainingAfter: Math.max(0, quota.maxBookings - count - 1),
    })),
    freeCancellationUntil: terms?.freeUntil ?? null,
    lateCancellationFee: terms?.feeAfter ?? null,
  };
}
