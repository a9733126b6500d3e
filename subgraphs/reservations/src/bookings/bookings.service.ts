import { randomUUID } from 'node:crypto';
import {
  admitMember,
  badUserInput,
  decodeCursor,
  forbidden,
  isUuid,
  notFound,
  pageSize,
  parseInput,
  refuse,
  refusedRule,
  toPage,
  unauthenticated,
  type MemberViewer,
  type Page,
  type Viewer,
} from '@tunet/kit';
import type { GraphQLError } from 'graphql';
import { DateTime } from 'luxon';
import { z } from 'zod';
import {
  cancellationTerms,
  depositOf,
  firstRefusal,
  lateCancellationFee,
  needsApproval,
  priceOf,
  type Refusal,
  type RuleResource,
} from '../rules/booking.rules';
import { quoteOf, type Quote } from '../rules/booking-quote.rules';
import type { TimeRange } from '../tables';
import { canBook, canCancel, canExportCharges, canManageBookings, canReadBookings, canSeeBooker, canSeeBookingDetails } from './bookings.access';
import type { BookingsLoaders } from './bookings.loaders';
import type {
  BookingDraft,
  BookingRow,
  BookingRule,
  BookingSetting,
  BookingsRepository,
  BookingTerms,
  ChargeRow,
  Consequences,
  MemberBookingsStatus,
  NewCharge,
  Settlement,
} from './bookings.repository';

/** GraphQL defaults apply only over HTTP; callers in code may leave optional fields out. */
const orDefault = <T extends z.ZodType, D>(schema: T, fallback: D) => schema.nullish().transform((value) => value ?? fallback);

const createBookingInput = z
  .object({
    resourceId: z.string(),
    start: z.date(),
    end: z.date(),
    idempotencyKey: z.string().trim().min(1).max(200),
    comment: orDefault(z.string().trim().max(1000), '').transform((comment) => comment || null),
    nameHidden: orDefault(z.boolean(), false),
    acceptRules: orDefault(z.boolean(), false),
    unitId: orDefault(z.string(), null),
  })
  .superRefine((input, ctx) => {
    if (input.end <= input.start) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start', params: { reason: 'END_BEFORE_START', start: 'start' } });
    }
  });

const bookingQuoteInput = z.object({ resourceId: z.string(), start: z.date(), end: z.date(), unitId: orDefault(z.string(), null) });

const cancelBookingInput = z.object({
  bookingId: z.string(),
  reason: orDefault(z.string().trim().max(1000), '').transform((reason) => reason || null),
});

const decideBookingInput = z
  .object({
    bookingId: z.string(),
    decision: z.enum(['APPROVE', 'REJECT']),
    reason: orDefault(z.string().trim().max(1000), '').transform((reason) => reason || null),
  })
  .superRefine((input, ctx) => {
    if (input.decision === 'REJECT' && !input.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'say why; the booker is told' });
    }
  });

/** A calendar view spans at most a little over three months, which bounds the list without pagination. */
const MAX_RANGE_DAYS = 100;

/** Cursors are [instant as ISO string, id]; both are checked because PostgreSQL would reject bad casts. */
const cursorKey = z.tuple([z.iso.datetime(), z.guid()]);

const LIVE: ReadonlySet<BookingRow['status']> = new Set(['pending', 'confirmed']);

const MY_BOOKINGS: Record<string, MemberBookingsStatus> = { UPCOMING: 'upcoming', PENDING: 'pending', PAST: 'past', CANCELLED: 'cancelled', ALL: 'all' };

/** A cancellation with what it cost the household and gave back, in øre. */
export interface Cancelled {
  booking: BookingRow;
  fee: number;
  refunded: number;
}

/** Booking, cancelling and deciding bookings under the resource's rules. */
export class BookingsService {
  constructor(
    private readonly repository: BookingsRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Books a resource, or returns the booking this member already made with the same idempotency key. Rules are
   * checked inside the booking's transaction (see BookingsRepository.createBooking); the exclusion constraint has
   * the last word on overlap.
   */
  async createBooking(viewer: Viewer | null, loaders: BookingsLoaders, rawInput: unknown): Promise<BookingRow> {
    const member = admitMember(viewer, canBook);
    const input = parseInput(createBookingInput, rawInput);
    if (!isUuid(input.resourceId)) throw notFound('Resource');
    const draft: BookingDraft = {
      id: randomUUID(),
      resourceId: input.resourceId,
      bookerMemberId: member.memberId,
      unitId: householdOf(member, input.unitId),
      during: { start: input.start, end: input.end },
      comment: input.comment,
      hideName: input.nameHidden,
      idempotencyKey: input.idempotencyKey,
      acceptRules: input.acceptRules,
    };
    const now = this.now();
    let result: { booking: BookingRow; created: boolean } | null;
    try {
      result = await this.repository.createBooking(member.associationId, draft, now, (setting) => termsFor(member, draft, setting, now), booked);
    } catch (error) {
      const refused = refusedRule<BookingRule>(error);
      if (refused === 'overlap') throw refuse('SLOT_TAKEN');
      // The same request, retried while the first was still committing: the first one's booking is the answer.
      if (refused !== 'idempotency-key-used') throw error;
      const first = await this.repository.findByIdempotencyKey(member.associationId, member.memberId, draft.idempotencyKey);
      if (!first) throw error;
      result = { booking: first, created: false };
    }
    if (!result) throw notFound('Resource');
    if (!result.created && !isSameRequest(result.booking, draft)) {
      throw refuse('IDEMPOTENCY_KEY_REUSED');
    }
    loaders.bookingById.prime(result.booking.id, result.booking);
    return result.booking;
  }

  /**
   * The booker cancels their own booking before it starts: free up to the deadline, with the late-cancellation fee
   * after it. The board cancels anyone's booking until it ends, with a reason the booker is told, and refunds in
   * full. A paid booking's charge is refunded by a negative charge: charges are never changed.
   */
  async cancelBooking(viewer: Viewer | null, loaders: BookingsLoaders, rawInput: unknown): Promise<Cancelled> {
    const member = admitMember(viewer, canBook);
    const { bookingId, reason } = parseInput(cancelBookingInput, rawInput);
    if (!isUuid(bookingId)) throw notFound('Booking');
    const now = this.now();
    let ending: Ending | null = null;
    const ended = await this.repository.endBooking(member.associationId, bookingId, (booking, resource, charged) => {
      ending = cancellation(member, booking, resource, charged, reason, now);
      return settled(resource, booking, ending);
    });
    if (!ended) throw notFound('Booking');
    loaders.bookingById.clear(bookingId).prime(bookingId, ended);
    return { booking: ended, ...costsOf((ending as Ending | null)?.charges ?? []) };
  }

  /**
   * Whether and on what terms the viewer could book a time now: createBooking's rules on the same reads, without its
   * locks or writes. Another association's resource is not found, as by `resource`.
   */
  async quote(viewer: Viewer | null, rawInput: unknown): Promise<Quote> {
    const member = admitMember(viewer, canBook);
    const input = parseInput(bookingQuoteInput, rawInput);
    if (!isUuid(input.resourceId)) throw notFound('Resource');
    const during = { start: input.start, end: input.end };
    const ask = { resourceId: input.resourceId, bookerMemberId: member.memberId, unitId: householdOf(member, input.unitId), during };
    const now = this.now();
    const setting = await this.repository.quoteSetting(member.associationId, ask, now);
    if (!setting) throw notFound('Resource');
    return quoteOf({ ...setting, role: member.role, range: during, now });
  }

  /** The board approves a pending booking (which charges it) or rejects it with a reason the booker is told. */
  async decideBooking(viewer: Viewer | null, loaders: BookingsLoaders, rawInput: unknown): Promise<BookingRow> {
    const board = admitMember(viewer, canManageBookings);
    const { bookingId, decision, reason } = parseInput(decideBookingInput, rawInput);
    if (!isUuid(bookingId)) throw notFound('Booking');
    const decided =
      decision === 'APPROVE'
        ? await this.repository.approveBooking(board.associationId, bookingId, { byMemberId: board.memberId, reason }, assertPending, confirmation)
        : await this.repository.endBooking(board.associationId, bookingId, (booking, resource) => {
            assertPending(booking);
            return settled(resource, booking, { status: 'rejected', byMemberId: board.memberId, byBoard: true, reason, charges: [] });
          });
    if (!decided) throw notFound('Booking');
    loaders.bookingById.clear(bookingId).prime(bookingId, decided);
    return decided;
  }

  async booking(viewer: Viewer | null, loaders: BookingsLoaders, id: string): Promise<BookingRow> {
    if (!viewer) throw unauthenticated();
    const booking = await loaders.bookingById.load(id);
    if (!booking) throw notFound('Booking');
    return booking;
  }

  async myBookings(viewer: Viewer | null, options: { first?: number | null; after?: string | null; status?: string | null }): Promise<Page<BookingRow>> {
    const member = admitMember(viewer, canBook);
    const size = pageSize(options.first);
    const after = options.after ? positionAfter(options.after) : null;
    const rows = await this.repository.listMemberBookings(member.associationId, member.memberId, {
      status: MY_BOOKINGS[options.status ?? 'UPCOMING'] ?? 'upcoming',
      now: this.now(),
      limit: size + 1,
      after: after && { start: after.at, id: after.id },
    });
    return toPage(rows, size, (row) => [row.during.start.toISOString(), row.id]);
  }

  /** A resource's live bookings in a range, for its calendar; another association's resource is not found, as by `resource`. */
  async resourceBookings(viewer: Viewer | null, resourceId: string, from: Date, to: Date): Promise<BookingRow[]> {
    const reader = admitMember(viewer, canReadBookings);
    const range = boundedRange(from, to);
    if (!isUuid(resourceId)) throw notFound('Resource');
    const rows = await this.repository.listResourceBookings(reader.associationId, resourceId, range);
    if (!rows) throw notFound('Resource');
    return rows;
  }

  /** What the property manager bills, for the board to export. */
  async charges(viewer: Viewer | null, options: { from: Date; to: Date; first?: number | null; after?: string | null }): Promise<Page<ChargeRow>> {
    if (!viewer) throw unauthenticated();
    if (!viewer.associationId || !canExportCharges(viewer, viewer.associationId)) throw forbidden();
    const associationId = viewer.associationId;
    if (options.to <= options.from) throw badUserInput('to', 'to: must be after from');
    const size = pageSize(options.first);
    const after = options.after ? positionAfter(options.after) : null;
    const rows = await this.repository.listCharges(
      associationId,
      { start: options.from, end: options.to },
      size + 1,
      after && { createdAt: after.at, id: after.id },
    );
    return toPage(rows, size, (row) => [row.createdAt.toISOString(), row.id]);
  }

  /** The booker as a member reference, or null where the viewer may not know who booked. */
  bookerOf(viewer: Viewer | null, booking: BookingRow, resource: RuleResource | null): string | null {
    return canSeeBooker(viewer, booking, resource?.whoMayBook ?? []) ? booking.bookerMemberId : null;
  }

  /** The household is billing data, for the board only. */
  unitOf(viewer: Viewer | null, booking: BookingRow): string | null {
    return canManageBookings(viewer, booking.associationId) ? booking.unitId : null;
  }

  /** Whether the viewer may cancel the booking now, by cancelBooking's rules. */
  viewerCanCancel(viewer: Viewer | null, booking: BookingRow): boolean {
    return canCancel(viewer, booking, this.now());
  }

  /** The booker's cancellation terms of a live booking, for the booker and the board; null otherwise. */
  cancellationTermsOf(viewer: Viewer | null, booking: BookingRow, resource: RuleResource): { freeUntil: Date; feeAfter: number } | null {
    if (!LIVE.has(booking.status) || !canSeeBookingDetails(viewer, booking)) return null;
    // A pending booking is charged only when approved, so cancelling it before then is free (see cancellation()).
    const terms = cancellationTerms(resource, booking);
    return booking.status === 'pending' ? { freeUntil: booking.during.start, feeAfter: 0 } : terms;
  }

  /** What a cancelled booking's cancellation cost and gave back, for the booker and the board; null otherwise. */
  async cancellationCostsOf(viewer: Viewer | null, booking: BookingRow, loaders: BookingsLoaders): Promise<{ fee: number; refunded: number } | null> {
    return canSeeBookingDetails(viewer, booking) ? costsOf(await loaders.chargesByBooking.load(booking.id)) : null;
  }

  /** `value` for the booker and the board, null for everyone else. */
  detail<T>(viewer: Viewer | null, booking: BookingRow, value: T): T | null {
    return canSeeBookingDetails(viewer, booking) ? value : null;
  }
}

/**
 * The household named, which must be one of the member's (another's unit, another association's or none at all
 * would be billed for the booking), else their first; people without a unit have none.
 */
function householdOf(member: MemberViewer, unitId: string | null): string | null {
  const units = member.scope?.unitIds ?? [];
  if (unitId === null) return units[0] ?? null;
  if (!units.includes(unitId)) throw refuse('NOT_YOUR_HOUSEHOLD', {}, 'unitId');
  return unitId;
}

function termsFor(member: MemberViewer, draft: BookingDraft, setting: BookingSetting, now: Date): BookingTerms {
  const refusal = firstRefusal({ ...setting, role: member.role, range: draft.during, acceptRules: draft.acceptRules, now });
  if (refusal) throw refusalError(refusal);
  const { resource } = setting;
  return {
    status: needsApproval(resource, member.role) ? 'pending' : 'confirmed',
    price: priceOf(resource, draft.during, member.role),
    deposit: depositOf(resource, member.role),
  };
}

/** A broken rule as the error a client reads: the code, the reason with its parameters, and the field to change. */
function refusalError(refusal: Refusal): GraphQLError {
  return refuse(refusal.reason, refusal.params, refusal.field);
}

/** The late-cancellation fee and the refund among a booking's charges. */
function costsOf(charges: readonly Pick<ChargeRow, 'amount' | 'reason'>[]): { fee: number; refunded: number } {
  const sum = (reason: ChargeRow['reason']) => charges.filter((c) => c.reason === reason).reduce((total, c) => total + c.amount, 0);
  return { fee: sum('late_cancellation'), refunded: -sum('cancellation_refund') };
}

function isSameRequest(booking: BookingRow, draft: BookingDraft): boolean {
  return (
    booking.resourceId === draft.resourceId &&
    booking.during.start.getTime() === draft.during.start.getTime() &&
    booking.during.end.getTime() === draft.during.end.getTime() &&
    booking.comment === draft.comment &&
    booking.hideName === draft.hideName
  );
}

function cancellation(member: MemberViewer, booking: BookingRow, resource: RuleResource, charged: number, reason: string | null, now: Date): Ending {
  const own = booking.bookerMemberId === member.memberId;
  if (!own && !canManageBookings(member, booking.associationId)) throw forbidden('Only the booker and the board may cancel a booking.');
  if (!own && !reason) throw badUserInput('reason', 'reason: say why you cancel; the booker is told.');
  if (!LIVE.has(booking.status)) throw refuse('BOOKING_NOT_LIVE', { status: booking.status.toUpperCase() });
  if (booking.during.end <= now) throw refuse('BOOKING_OVER');
  if (own && booking.during.start <= now) throw refuse('BOOKING_STARTED');
  const charges: Ending['charges'] = [];
  if (charged > 0) charges.push({ amount: -charged, reason: 'cancellation_refund' });
  const fee = own && charged > 0 ? lateCancellationFee(resource, { during: booking.during, price: charged }, now) : 0;
  if (fee > 0) charges.push({ amount: fee, reason: 'late_cancellation' });
  return { status: 'cancelled', byMemberId: member.memberId, byBoard: !own, reason, charges };
}

/** How a live booking ends: by whom, why, and what it costs or gives back. */
export interface Ending {
  status: Settlement['status'];
  /** Null when no one did: a move-out ends the booking (lifecycle.move-outs.ts). */
  byMemberId: string | null;
  byBoard: boolean;
  reason: string | null;
  charges: Pick<NewCharge, 'amount' | 'reason'>[];
}

/** The ending with its invoice lines, and the booker told unless they ended it themselves. */
export function settled(resource: RuleResource, booking: BookingRow, { byBoard, charges, ...ending }: Ending): Settlement {
  const recipients = ending.byMemberId === booking.bookerMemberId ? [] : [booking.bookerMemberId];
  return {
    ...ending,
    charges: charges.map((charge) => invoiceLine(resource, booking, charge)),
    events: [
      {
        topic: 'reservation.cancelled',
        payload: { ...summaryOf(resource, booking), recipients, reason: ending.reason, byBoard, rejected: ending.status === 'rejected' },
      },
    ],
  };
}

/** A new booking is confirmed at once, or awaits the board, addressed as a role: this subgraph does not know who sits on it. */
function booked(resource: RuleResource, booking: BookingRow): Consequences {
  if (booking.status === 'confirmed') return confirmation(resource, booking);
  return { charges: [], events: [{ topic: 'reservation.approval_requested', payload: { ...summaryOf(resource, booking), recipientRole: 'board' } }] };
}

/** A booking is charged once, when confirmed (a pending one may still be rejected), and the booker told. */
function confirmation(resource: RuleResource, booking: BookingRow): Consequences {
  return {
    charges: booking.price > 0 ? [invoiceLine(resource, booking, { amount: booking.price, reason: 'booking' })] : [],
    events: [{ topic: 'reservation.confirmed', payload: { ...summaryOf(resource, booking), recipients: [booking.bookerMemberId] } }],
  };
}

const DESCRIPTIONS: Record<ChargeRow['reason'], string> = {
  booking: 'Booking',
  late_cancellation: 'Late cancellation',
  cancellation_refund: 'Refund for cancelled booking',
};

/** The description is what the household reads on its invoice, so it names the resource and the local times. */
function invoiceLine(resource: RuleResource, booking: BookingRow, charge: Pick<NewCharge, 'amount' | 'reason'>): NewCharge {
  const local = (instant: Date) => DateTime.fromJSDate(instant, { zone: resource.timeZone }).toFormat('dd.LL.yyyy HH:mm');
  return { ...charge, description: `${DESCRIPTIONS[charge.reason]}: ${resource.name}, ${local(booking.during.start)}–${local(booking.during.end)}` };
}

function summaryOf(resource: RuleResource, booking: BookingRow) {
  return {
    bookingId: booking.id,
    resourceId: resource.id,
    resourceName: resource.name,
    bookerMemberId: booking.bookerMemberId,
    start: booking.during.start.toISOString(),
    end: booking.during.end.toISOString(),
  };
}

function assertPending(booking: BookingRow): void {
  if (booking.status !== 'pending') throw refuse('BOOKING_NOT_PENDING', { status: booking.status.toUpperCase() });
}

function boundedRange(from: Date, to: Date): TimeRange {
  if (to <= from) throw badUserInput('to', 'to: must be after from');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    throw badUserInput('to', `to: at most ${MAX_RANGE_DAYS} days after from`);
  }
  return { start: from, end: to };
}

function positionAfter(cursor: string): { at: Date; id: string } {
  const [at, id] = decodeCursor(cursor, cursorKey);
  return { at: new Date(at), id };
}
