import { randomUUID } from 'node:crypto';
import { failedWithDeadlock, refusedAs, type Announcement, type SubgraphDatabase, type Tx } from '@tunet/kit';
import { and, asc, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { busiestRollingPeriod, quotaWindow, type QuotaRow, type QuotaWindow, type RuleResource } from '../rules/booking.rules';
import type { ClosedPeriodRow, OpeningHoursRow } from '../schedule/schedule';
import { bookings, charges, closedPeriods, openingHours, quotas, resources, type TimeRange } from '../tables';

export type BookingRow = typeof bookings.$inferSelect;
export type ChargeRow = typeof charges.$inferSelect;
/** A charge as the household reads it on its invoice. */
export type NewCharge = Pick<ChargeRow, 'amount' | 'reason' | 'description'>;

/** What the service decides goes with a booking's change, written in the same transaction. */
export interface Consequences {
  charges: NewCharge[];
  events: Announcement[];
}

/** What the booker asked for, with the household it counts against. */
export interface BookingDraft {
  id: string;
  resourceId: string;
  bookerMemberId: string;
  unitId: string | null;
  during: TimeRange;
  comment: string | null;
  hideName: boolean;
  idempotencyKey: string;
  acceptRules: boolean;
}

/** Everything the rules need, read inside the booking's transaction after the quota locks are held. */
export interface BookingSetting {
  resource: RuleResource;
  openingHours: OpeningHoursRow[];
  closedPeriods: ClosedPeriodRow[];
  quotaCounts: { quota: QuotaRow; count: number }[];
}

export interface BookingTerms {
  status: 'pending' | 'confirmed';
  price: number;
  deposit: number;
}

/** How a live booking ends: by whom and why, with what it costs or gives back and who is told. */
export interface Settlement extends Consequences {
  status: 'cancelled' | 'rejected';
  /** Null when no one did: a move-out ends the booking (lifecycle.move-outs.ts). */
  byMemberId: string | null;
  reason: string | null;
}

/** A retried insert may meet another in flight; 3 attempts let one of 200 at once fail on a loaded CI machine. */
const DEADLOCK_ATTEMPTS = 10;

/** The rules the database has the last word on, by the constraint that holds each (see createBooking). */
const BOOKING_RULES = {
  bookings_no_overlap: 'overlap',
  // PostgreSQL's name for the table's `unique (association_id, booker_member_id, idempotency_key)`.
  bookings_association_id_booker_member_id_idempotency_key_key: 'idempotency-key-used',
} as const;
export type BookingRule = (typeof BOOKING_RULES)[keyof typeof BOOKING_RULES];

/** Which of a member's bookings `listMemberBookings` reads. */
export type MemberBookingsStatus = 'upcoming' | 'pending' | 'past' | 'cancelled' | 'all';

/** What a quote asks about: a time of a resource for a booker and the household it would count against. */
export type QuoteAsk = Pick<BookingDraft, 'resourceId' | 'bookerMemberId' | 'unitId' | 'during'>;

/** Keyset position in a list of bookings ordered by start. */
export type BookingPosition = { start: Date; id: string };
export type ChargePosition = { createdAt: Date; id: string };

/** The only code that reads or writes bookings and charges. Every call names its tenant. */
export class BookingsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  findBookings(tenant: string, ids: readonly string[]): Promise<BookingRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(bookings)
        .where(and(eq(bookings.associationId, tenant), inArray(bookings.id, [...ids]))),
    );
  }

  /**
   * A member's bookings of one kind: upcoming ones (live, not ended at `now`; pending ones only with `pending`)
   * soonest first, the others (past: ended and neither cancelled nor rejected, an unanswered pending one too; cancelled: cancelled or rejected; all) newest first. Served
   * by bookings_by_booker; the row comparison lets PostgreSQL start the index scan at the cursor.
   */
  listMemberBookings(
    tenant: string,
    memberId: string,
    options: { status: MemberBookingsStatus; now: Date; limit: number; after: BookingPosition | null },
  ): Promise<BookingRow[]> {
    const { status, now, limit, after } = options;
    const soonestFirst = status === 'upcoming' || status === 'pending';
    const start = sql`lower(${bookings.during})`;
    const notEnded = sql`upper(${bookings.during}) > ${now.toISOString()}::timestamptz`;
    const kind = {
      upcoming: and(inArray(bookings.status, ['pending', 'confirmed']), notEnded),
      pending: and(eq(bookings.status, 'pending'), notEnded),
      past: and(inArray(bookings.status, ['pending', 'confirmed']), sql`upper(${bookings.during}) <= ${now.toISOString()}::timestamptz`),
      cancelled: inArray(bookings.status, ['cancelled', 'rejected']),
      all: undefined,
    }[status];
    const cursor = after
      ? sql`(${start}, ${bookings.id}) ${soonestFirst ? sql`>` : sql`<`} (${after.start.toISOString()}::timestamptz, ${after.id}::uuid)`
      : undefined;
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(bookings)
        .where(and(eq(bookings.associationId, tenant), eq(bookings.bookerMemberId, memberId), kind, cursor))
        .orderBy(...(soonestFirst ? [asc(start), asc(bookings.id)] : [desc(start), desc(bookings.id)]))
        .limit(limit),
    );
  }

  /** The charges of each booking, for what its cancellation cost and gave back. Served by charges_by_booking. */
  findCharges(tenant: string, bookingIds: readonly string[]): Promise<ChargeRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(charges)
        .where(and(eq(charges.associationId, tenant), inArray(charges.bookingId, [...bookingIds]))),
    );
  }

  /**
   * What a quote is worked out from, as createBooking reads it but without its locks (a quote holds nothing): the
   * resource, its schedule, the quota counts and whether a live booking blocks the time. Null when the tenant has no
   * such resource.
   */
  quoteSetting(tenant: string, ask: QuoteAsk, now: Date): Promise<(BookingSetting & { taken: boolean }) | null> {
    return this.db.tenant(tenant, async (tx) => {
      const resource = await resourceOf(tx, tenant, ask.resourceId);
      if (!resource) return null;
      const blocked = { start: ask.during.start, end: new Date(ask.during.end.getTime() + resource.bufferMinutes * 60_000) };
      // Served by the exclusion constraint's index on (association_id, resource_id, blocked) for live bookings.
      const holders = await tx
        .select({ id: bookings.id })
        .from(bookings)
        .where(
          and(
            eq(bookings.associationId, tenant),
            eq(bookings.resourceId, resource.id),
            inArray(bookings.status, ['pending', 'confirmed']),
            overlapping(bookings.blocked, blocked),
          ),
        )
        .limit(1);
      return {
        resource,
        openingHours: await openingHoursOf(tx, tenant, resource.id),
        closedPeriods: await closedPeriodsOf(tx, tenant, resource.id, ask.during),
        quotaCounts: await quotaCountsOf(tx, tenant, resource, ask, now),
        taken: holders.length > 0,
      };
    });
  }

  /**
   * A resource's live bookings overlapping `range`, soonest first; served by bookings_by_resource. Null when the
   * tenant has no such resource, so that another association's resource is not found rather than empty.
   */
  listResourceBookings(tenant: string, resourceId: string, range: TimeRange): Promise<BookingRow[] | null> {
    return this.db.tenant(tenant, async (tx) => {
      const [resource] = await tx
        .select({ id: resources.id })
        .from(resources)
        .where(and(eq(resources.associationId, tenant), eq(resources.id, resourceId)));
      if (!resource) return null;
      return tx
        .select()
        .from(bookings)
        .where(
          and(
            eq(bookings.associationId, tenant),
            eq(bookings.resourceId, resourceId),
            overlapping(bookings.during, range),
            inArray(bookings.status, ['pending', 'confirmed']),
          ),
        )
        .orderBy(asc(sql`lower(${bookings.during})`), asc(bookings.id));
    });
  }

  /** Charges created in [from, to), oldest first: the property manager's export. Served by charges_by_time. */
  listCharges(tenant: string, range: TimeRange, limit: number, after: ChargePosition | null): Promise<ChargeRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(charges)
        .where(
          and(
            eq(charges.associationId, tenant),
            gte(charges.createdAt, range.start),
            lt(charges.createdAt, range.end),
            after ? sql`(${charges.createdAt}, ${charges.id}) > (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(asc(charges.createdAt), asc(charges.id))
        .limit(limit),
    );
  }

  findByIdempotencyKey(tenant: string, memberId: string, key: string): Promise<BookingRow | null> {
    return this.db.tenant(tenant, (tx) => byIdempotencyKey(tx, tenant, memberId, key));
  }

  /**
   * Books what `decide` allows, in one transaction: null when the resource does not exist in the tenant, the
   * booking the member already made with this idempotency key, or the new booking with the charges and events
   * `consequences` gives for it. `decide` may throw to refuse, which rolls everything back.
   *
   * Quotas are counted, then the booking inserted; two requests of one household (or person) doing that at once
   * could both count the same free place. Advisory locks on the household and the person, taken first and always
   * in that order, make such requests wait for each other; requests of different households do not. Overlap is
   * not checked here at all: the exclusion constraint bookings_no_overlap refuses the insert, races included.
   *
   * Two overlapping inserts that reach the constraint check at the same moment each wait for the other to end;
   * PostgreSQL breaks that deadlock by aborting one of them. Run again, that one finds the other's booking (and
   * fails on the constraint) or, if the other rolled back, books. Refusals by the constraints are RuleViolations
   * named in BOOKING_RULES.
   */
  async createBooking(
    tenant: string,
    draft: BookingDraft,
    now: Date,
    decide: (setting: BookingSetting) => BookingTerms,
    consequences: (resource: RuleResource, booking: BookingRow) => Consequences,
  ): Promise<{ booking: BookingRow; created: boolean } | null> {
    return refusedAs(BOOKING_RULES, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.insertBooking(tenant, draft, now, decide, consequences);
        } catch (error) {
          if (!failedWithDeadlock(error) || attempt === DEADLOCK_ATTEMPTS) throw error;
        }
      }
    });
  }

  private insertBooking(
    tenant: string,
    draft: BookingDraft,
    now: Date,
    decide: (setting: BookingSetting) => BookingTerms,
    consequences: (resource: RuleResource, booking: BookingRow) => Consequences,
  ): Promise<{ booking: BookingRow; created: boolean } | null> {
    return this.db.tenant(tenant, async (tx) => {
      if (draft.unitId) await lockQuota(tx, `${tenant}:unit:${draft.unitId}`);
      await lockQuota(tx, `${tenant}:member:${draft.bookerMemberId}`);
      const existing = await byIdempotencyKey(tx, tenant, draft.bookerMemberId, draft.idempotencyKey);
      if (existing) return { booking: existing, created: false };
      const resource = await resourceOf(tx, tenant, draft.resourceId);
      if (!resource) return null;
      const terms = decide({
        resource,
        openingHours: await openingHoursOf(tx, tenant, resource.id),
        closedPeriods: await closedPeriodsOf(tx, tenant, resource.id, draft.during),
        quotaCounts: await quotaCountsOf(tx, tenant, resource, draft, now),
      });
      const blocked = { start: draft.during.start, end: new Date(draft.during.end.getTime() + resource.bufferMinutes * 60_000) };
      const [booking] = await tx
        .insert(bookings)
        .values({
          associationId: tenant,
          id: draft.id,
          resourceId: resource.id,
          bookerMemberId: draft.bookerMemberId,
          unitId: draft.unitId,
          during: draft.during,
          blocked,
          status: terms.status,
          comment: draft.comment,
          hideName: draft.hideName,
          idempotencyKey: draft.idempotencyKey,
          price: terms.price,
          deposit: terms.deposit,
          rulesAcceptedAt: draft.acceptRules ? now : null,
        })
        .returning();
      await this.record(tx, booking!, consequences(resource, booking!));
      return { booking: booking!, created: true };
    });
  }

  /**
   * Ends a live booking as `settle` decides from it, its resource and what was charged for it: status, who, why,
   * and the charges (refund, late fee) and events that go with it, all in one transaction. The booking row is locked first, so two cancellations (or a cancellation and a decision) cannot
   * both settle it. Null when the booking does not exist in the tenant.
   */
  endBooking(
    tenant: string,
    bookingId: string,
    settle: (booking: BookingRow, resource: RuleResource, charged: number) => Settlement,
  ): Promise<BookingRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      const booking = await lockBooking(tx, tenant, bookingId);
      if (!booking) return null;
      const resource = (await resourceOf(tx, tenant, booking.resourceId))!;
      const ending = settle(booking, resource, await chargedFor(tx, tenant, booking.id));
      const [ended] = await tx
        .update(bookings)
        .set(
          ending.status === 'rejected'
            ? { status: 'rejected', decidedAt: sql`now()`, decidedByMemberId: ending.byMemberId, decisionReason: ending.reason }
            : { status: 'cancelled', cancelledAt: sql`now()`, cancelledByMemberId: ending.byMemberId, cancelReason: ending.reason },
        )
        .where(and(eq(bookings.associationId, tenant), eq(bookings.id, bookingId)))
        .returning();
      await this.record(tx, ended!, ending);
      return ended!;
    });
  }

  /**
   * Confirms a pending booking after `check` has seen it locked, with the charges and events `consequences` gives
   * for it. Null when the booking does not exist in the tenant.
   */
  approveBooking(
    tenant: string,
    bookingId: string,
    decision: { byMemberId: string; reason: string | null },
    check: (booking: BookingRow) => void,
    consequences: (resource: RuleResource, booking: BookingRow) => Consequences,
  ): Promise<BookingRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      const booking = await lockBooking(tx, tenant, bookingId);
      if (!booking) return null;
      check(booking);
      const [approved] = await tx
        .update(bookings)
        .set({ status: 'confirmed', decidedAt: sql`now()`, decidedByMemberId: decision.byMemberId, decisionReason: decision.reason })
        .where(and(eq(bookings.associationId, tenant), eq(bookings.id, bookingId)))
        .returning();
      await this.record(tx, approved!, consequences((await resourceOf(tx, tenant, booking.resourceId))!, approved!));
      return approved!;
    });
  }

  private async record(tx: Tx, booking: BookingRow, { charges: due, events }: Consequences): Promise<void> {
    for (const charge of due) await tx.insert(charges).values({ ...bookingRefs(booking), id: randomUUID(), ...charge });
    for (const event of events) await this.db.outbox.add(tx, { ...event, associationId: booking.associationId });
  }
}

function overlapping(column: typeof bookings.during | typeof bookings.blocked, range: TimeRange): SQL {
  return sql`${column} && tstzrange(${range.start.toISOString()}::timestamptz, ${range.end.toISOString()}::timestamptz)`;
}

/** hashtext folds the key to the lock's 32 bits; a collision only makes two households wait for each other. */
async function lockQuota(tx: Tx, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`reservations.quota:${key}`}))`);
}

async function byIdempotencyKey(tx: Tx, tenant: string, memberId: string, key: string): Promise<BookingRow | null> {
  const [row] = await tx
    .select()
    .from(bookings)
    .where(and(eq(bookings.associationId, tenant), eq(bookings.bookerMemberId, memberId), eq(bookings.idempotencyKey, key)));
  return row ?? null;
}

async function resourceOf(tx: Tx, tenant: string, id: string): Promise<RuleResource | null> {
  const [row] = await tx
    .select()
    .from(resources)
    .where(and(eq(resources.associationId, tenant), eq(resources.id, id)));
  return row ?? null;
}

function openingHoursOf(tx: Tx, tenant: string, resourceId: string): Promise<OpeningHoursRow[]> {
  return tx
    .select({ weekday: openingHours.weekday, opens: openingHours.opens, closes: openingHours.closes })
    .from(openingHours)
    .where(and(eq(openingHours.associationId, tenant), eq(openingHours.resourceId, resourceId)));
}

function closedPeriodsOf(tx: Tx, tenant: string, resourceId: string, range: TimeRange): Promise<ClosedPeriodRow[]> {
  return tx
    .select({ during: closedPeriods.during, reason: closedPeriods.reason })
    .from(closedPeriods)
    .where(
      and(
        eq(closedPeriods.associationId, tenant),
        eq(closedPeriods.resourceId, resourceId),
        sql`${closedPeriods.during} && tstzrange(${range.start.toISOString()}::timestamptz, ${range.end.toISOString()}::timestamptz)`,
      ),
    );
}

/**
 * The resource's quotas that apply to the booker, each with the household's or person's live bookings in its
 * window; a booker without a household has no unit quota to count against. Served by bookings_by_unit and
 * bookings_by_booker.
 */
async function quotaCountsOf(tx: Tx, tenant: string, resource: RuleResource, draft: QuoteAsk, now: Date): Promise<{ quota: QuotaRow; count: number }[]> {
  const rows = await tx
    .select()
    .from(quotas)
    .where(and(eq(quotas.associationId, tenant), eq(quotas.resourceId, resource.id)));
  const counts: { quota: QuotaRow; count: number }[] = [];
  for (const quota of rows) {
    if (quota.per === 'unit' && !draft.unitId) continue;
    const whose = quota.per === 'unit' ? eq(bookings.unitId, draft.unitId!) : eq(bookings.bookerMemberId, draft.bookerMemberId);
    const starts = await tx
      .select({ start: sql<string>`lower(${bookings.during})` })
      .from(bookings)
      .where(
        and(
          eq(bookings.associationId, tenant),
          whose,
          eq(bookings.resourceId, resource.id),
          inArray(bookings.status, ['pending', 'confirmed']),
          inWindow(quotaWindow(quota, draft.during.start, resource.timeZone, now)),
        ),
      );
    const count =
      quota.period === 'rolling'
        ? busiestRollingPeriod(
            starts.map((row) => new Date(row.start)),
            draft.during.start,
            quota.periodDays ?? 0,
          )
        : starts.length;
    counts.push({ quota, count });
  }
  return counts;
}

function inWindow(window: QuotaWindow): SQL {
  if (window.kind === 'not_ended') return sql`upper(${bookings.during}) > ${window.at.toISOString()}::timestamptz`;
  return sql`lower(${bookings.during}) >= ${window.from.toISOString()}::timestamptz and lower(${bookings.during}) < ${window.to.toISOString()}::timestamptz`;
}

function lockBooking(tx: Tx, tenant: string, id: string): Promise<BookingRow | undefined> {
  return tx
    .select()
    .from(bookings)
    .where(and(eq(bookings.associationId, tenant), eq(bookings.id, id)))
    .for('update')
    .then((rows) => rows[0]);
}

/** What the booker has been charged for the booking so far: the booking charge less any refund. */
async function chargedFor(tx: Tx, tenant: string, bookingId: string): Promise<number> {
  const [row] = await tx
    .select({ sum: sql<number>`coalesce(sum(${charges.amount}), 0)::int` })
    .from(charges)
    .where(and(eq(charges.associationId, tenant), eq(charges.bookingId, bookingId), inArray(charges.reason, ['booking', 'cancellation_refund'])));
  return row!.sum;
}

/** What a charge says of its booking, for the property manager's billing. */
function bookingRefs(booking: BookingRow) {
  return { associationId: booking.associationId, bookingId: booking.id, unitId: booking.unitId, memberId: booking.bookerMemberId };
}
