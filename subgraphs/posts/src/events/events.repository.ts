import { refusedAs, type Announcement, type SubgraphDatabase, type Tx } from '@tunet/kit';
import { and, asc, eq, gt, inArray, isNull, lte, ne, sql } from 'drizzle-orm';
import { eventSignups, events } from '../tables';

export type EventRow = typeof events.$inferSelect;
/** The association comes from the tenant the event is inserted under, so the two cannot disagree. */
export type NewEvent = Omit<typeof events.$inferInsert, 'associationId' | 'cancelledAt' | 'cancelReason' | 'createdAt'>;

/** A sign-up with its place in the event's waitlist (from 1), which follows from the order of the sign-ups. */
export type SignupRow = typeof eventSignups.$inferSelect & { waitlistPosition: number | null };
export type NewSignup = Pick<SignupRow, 'id' | 'memberId' | 'adults' | 'children'>;

/**
 * The event's reminder for a seat confirmed after the sweep's, with the time the sign-up is marked reminded at, or
 * null; `remindedBefore` when any sign-up of this member for the event, cancelled ones included, was sent one
 * already. Called under the event's lock. The time is the caller's clock, as the sweep's claim marks with the
 * sweep's: the database's clock would make the two marks disagree whenever a clock is injected or skewed.
 */
export type LateReminder = (event: EventRow, signup: SignupRow, remindedBefore: boolean) => { reminder: Announcement; at: Date } | null;

/** Keyset position in the soonest-first event list. */
export type EventListPosition = { startsAt: Date; id: string };

/** One active sign-up per member and event, held by a unique index; signUp reports it as RuleViolation `'signed-up'`. */
const SIGNUP_RULES = { event_signups_one_active: 'signed-up' } as const;
export type SignupRule = (typeof SIGNUP_RULES)[keyof typeof SIGNUP_RULES];

/** The only code that reads or writes events and sign-ups. Every call names its tenant. */
export class EventsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  findEvents(tenant: string, ids: readonly string[]): Promise<EventRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(events)
        .where(and(eq(events.associationId, tenant), inArray(events.id, [...ids]))),
    );
  }

  /**
   * Events not over at `from`: under way (ending after it) or starting at or after it, which includes an event
   * that takes no time. A row comparison for the cursor, so PostgreSQL starts the index scan at it (see
   * PostsRepository.listPosts); the events that ended before `from` are read and dropped on the way, which for
   * an association's tens of events a year costs less than any index on the end could save.
   */
  listEvents(tenant: string, from: Date, limit: number, after: EventListPosition | null): Promise<EventRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(events)
        .where(
          and(
            eq(events.associationId, tenant),
            sql`(${events.endsAt} > ${from.toISOString()}::timestamptz or ${events.startsAt} >= ${from.toISOString()}::timestamptz)`,
            after ? sql`(${events.startsAt}, ${events.id}) > (${after.startsAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(asc(events.startsAt), asc(events.id))
        .limit(limit),
    );
  }

  async insertEvent(tenant: string, event: NewEvent): Promise<EventRow> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .insert(events)
        .values({ ...event, associationId: tenant })
        .returning(),
    );
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  /** Cancelling again only updates the reason: the time of the first cancellation is what members were told. */
  async cancelEvent(tenant: string, id: string, reason: string): Promise<EventRow | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .update(events)
        .set({ cancelledAt: sql`coalesce(${events.cancelledAt}, now())`, cancelReason: reason })
        .where(and(eq(events.associationId, tenant), eq(events.id, id)))
        .returning(),
    );
    return row ?? null;
  }

  /** Every sign-up of the events, cancelled ones included, in sign-up order. */
  findSignups(tenant: string, eventIds: readonly string[]): Promise<SignupRow[]> {
    return this.db.tenant(tenant, async (tx) => withPositions(await signupsOf(tx, tenant, eventIds)));
  }

  /**
   * Adds a sign-up with the status `place` decides from the event and its active sign-ups; null when the event
   * does not exist in the tenant. `place` may throw to refuse, which rolls the transaction back.
   *
   * The event row is locked (`for update`) before the seats are counted. Without it two concurrent sign-ups
   * could both count the same free seat under READ COMMITTED and both be confirmed; with it PostgreSQL makes
   * every other sign-up or cancellation of this event wait until this transaction commits, and then count
   * seats that include this one. Sign-ups for different events do not wait for each other.
   */
  signUp(
    tenant: string,
    eventId: string,
    signup: NewSignup,
    place: (event: EventRow, active: SignupRow[]) => 'confirmed' | 'waitlisted',
    remind: LateReminder = () => null,
  ): Promise<{ event: EventRow; signup: SignupRow } | null> {
    return refusedAs(SIGNUP_RULES, () =>
      this.db.tenant(tenant, async (tx) => {
        const event = await lockEvent(tx, tenant, eventId);
        if (!event) return null;
        const status = place(event, await activeSignupsOf(tx, tenant, eventId));
        await tx.insert(eventSignups).values({ ...signup, associationId: tenant, eventId, status });
        const all = withPositions(await activeSignupsOf(tx, tenant, eventId));
        const mine = all.find((s) => s.id === signup.id)!;
        await this.remindLate(tx, tenant, event, mine, remind);
        return { event, signup: mine };
      }),
    );
  }

  /**
   * Cancels the member's active sign-up and confirms the waitlisted sign-ups `promote` picks, each with what
   * `announce` makes of it, then `remind`'s late reminder, written to the outbox in the same transaction. The event
   * row is locked first, as in `signUp`, so a promotion and a concurrent sign-up cannot both take the freed seats,
   * and `remind` sees the event's `reminded_at` as the reminder claim leaves it (set already or not yet).
   * `promote` may be async only so that tests can hold the lock while something else runs.
   * Null when the event does not exist; `signup` null when the member has no active sign-up.
   */
  cancelSignup(
    tenant: string,
    eventId: string,
    memberId: string,
    check: (event: EventRow) => void,
    promote: (event: EventRow, active: SignupRow[]) => SignupRow[] | Promise<SignupRow[]>,
    announce: (signup: SignupRow) => Announcement,
    remind: LateReminder,
  ): Promise<{ event: EventRow; signup: SignupRow | null; promoted: SignupRow[] } | null> {
    return this.db.tenant(tenant, async (tx) => {
      const event = await lockEvent(tx, tenant, eventId);
      if (!event) return null;
      check(event);
      const [cancelled] = await tx
        .update(eventSignups)
        .set({ status: 'cancelled', cancelledAt: sql`now()` })
        .where(
          and(
            eq(eventSignups.associationId, tenant),
            eq(eventSignups.eventId, eventId),
            eq(eventSignups.memberId, memberId),
            ne(eventSignups.status, 'cancelled'),
          ),
        )
        .returning();
      if (!cancelled) return { event, signup: null, promoted: [] };
      const promoted = await this.promote(tx, tenant, event, await promote(event, await activeSignupsOf(tx, tenant, eventId)), announce, remind);
      return { event, signup: { ...cancelled, waitlistPosition: null }, promoted };
    });
  }

  /**
   * Sets the party of the member's active sign-up after `check` (which may throw to refuse) has seen the event,
   * its active sign-ups and the member's, then confirms the waitlisted sign-ups `promote` picks, announcing each in
   * the same transaction. The event row is locked first, as in `signUp`, so the seats `check` counts cannot be taken
   * by a concurrent sign-up, change or promotion before this one commits, nor `reminded_at` by the reminder claim
   * before `remind` reads it. The sign-up keeps its row and so its place in the line. Null when the event does
   * not exist; `signup` null when the member has no active sign-up.
   */
  changeSignup(
    tenant: string,
    eventId: string,
    memberId: string,
    party: Pick<SignupRow, 'adults' | 'children'>,
    check: (event: EventRow, active: SignupRow[], mine: SignupRow) => void,
    promote: (event: EventRow, active: SignupRow[]) => SignupRow[],
    announce: (signup: SignupRow) => Announcement,
    remind: LateReminder,
  ): Promise<{ event: EventRow; signup: SignupRow | null } | null> {
    return this.db.tenant(tenant, async (tx) => {
      const event = await lockEvent(tx, tenant, eventId);
      if (!event) return null;
      const active = await activeSignupsOf(tx, tenant, eventId);
      const mine = active.find((s) => s.memberId === memberId);
      if (!mine) return { event, signup: null };
      check(event, active, mine);
      await tx
        .update(eventSignups)
        .set(party)
        .where(and(eq(eventSignups.associationId, tenant), eq(eventSignups.id, mine.id)));
      await this.promote(tx, tenant, event, promote(event, await activeSignupsOf(tx, tenant, eventId)), announce, remind);
      const after = await activeSignupsOf(tx, tenant, eventId);
      return { event, signup: after.find((s) => s.id === mine.id)! };
    });
  }

  /** Confirms the waitlisted sign-ups, each told of its seat and then, when the sweep's went out, reminded. */
  private async promote(
    tx: Tx,
    tenant: string,
    event: EventRow,
    waiting: SignupRow[],
    announce: (signup: SignupRow) => Announcement,
    remind: LateReminder,
  ): Promise<SignupRow[]> {
    const promoted = waiting.map((s) => ({ ...s, status: 'confirmed' as const, waitlistPosition: null }));
    for (const signup of promoted) {
      await confirm(tx, tenant, signup);
      await this.db.outbox.add(tx, { ...announce(signup), associationId: tenant });
      await this.remindLate(tx, tenant, event, signup, remind);
    }
    return promoted;
  }

  /**
   * Writes the reminder `remind` gives a seat confirmed now and marks the sign-up reminded. The caller holds the
   * event's lock, which the reminder claim also takes, so `reminded_at` (the event's and its sign-ups') is either
   * set already or not yet.
   */
  private async remindLate(tx: Tx, tenant: string, event: EventRow, signup: SignupRow, remind: LateReminder): Promise<void> {
    const all = await signupsOf(tx, tenant, [event.id]);
    const late = remind(
      event,
      signup,
      all.some((s) => s.memberId === signup.memberId && s.remindedAt !== null),
    );
    if (!late) return;
    await this.db.outbox.add(tx, { ...late.reminder, associationId: tenant });
    await markReminded(tx, tenant, [signup.id], late.at);
  }

  /**
   * Marks up to `limit` events starting in (`now`, `until`] that are neither cancelled nor reminded yet as
   * reminded, and writes what `announce` makes of each, with the members who have a confirmed sign-up, to the
   * outbox in the same transaction, and marks those sign-ups reminded. Resolves to how many. The candidates are
   * locked `for update skip locked`: a concurrent sweep (another replica) skips them rather than waiting, and the
   * update re-checks `reminded_at is null` on rows a sweep that just committed has claimed, so every event is
   * announced once. System scope: the sweep serves every association, and each event goes out under its own.
   * `announce` may be async only so that tests can hold the claim open while something else runs.
   */
  claimDueReminders(
    now: Date,
    until: Date,
    limit: number,
    announce: (event: EventRow, confirmed: string[]) => Announcement | Promise<Announcement>,
  ): Promise<number> {
    return this.db.system(async (tx) => {
      const due = tx
        .select({ associationId: events.associationId, id: events.id })
        .from(events)
        .where(and(isNull(events.remindedAt), isNull(events.cancelledAt), gt(events.startsAt, now), lte(events.startsAt, until)))
        .orderBy(asc(events.startsAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      const claimed = await tx
        .update(events)
        .set({ remindedAt: now })
        .where(and(sql`(${events.associationId}, ${events.id}) in (${due})`, isNull(events.remindedAt)))
        .returning();
      for (const event of claimed) {
        const confirmed = (await signupsOf(tx, event.associationId, [event.id])).filter((s) => s.status === 'confirmed');
        const announcement = await announce(
          event,
          confirmed.map((s) => s.memberId),
        );
        await this.db.outbox.add(tx, { ...announcement, associationId: event.associationId });
        await markReminded(
          tx,
          event.associationId,
          confirmed.map((s) => s.id),
          now,
        );
      }
      return claimed.length;
    });
  }
}

function lockEvent(tx: Tx, tenant: string, eventId: string): Promise<EventRow | undefined> {
  return tx
    .select()
    .from(events)
    .where(and(eq(events.associationId, tenant), eq(events.id, eventId)))
    .for('update')
    .then((rows) => rows[0]);
}

function signupsOf(tx: Tx, tenant: string, eventIds: readonly string[]) {
  return tx
    .select()
    .from(eventSignups)
    .where(and(eq(eventSignups.associationId, tenant), inArray(eventSignups.eventId, [...eventIds])))
    .orderBy(asc(eventSignups.eventId), asc(eventSignups.seq));
}

async function activeSignupsOf(tx: Tx, tenant: string, eventId: string): Promise<SignupRow[]> {
  return withPositions((await signupsOf(tx, tenant, [eventId])).filter((s) => s.status !== 'cancelled'));
}

async function confirm(tx: Tx, tenant: string, signup: SignupRow): Promise<void> {
  await tx
    .update(eventSignups)
    .set({ status: 'confirmed' })
    .where(and(eq(eventSignups.associationId, tenant), eq(eventSignups.id, signup.id)));
}

async function markReminded(tx: Tx, tenant: string, signupIds: string[], at: Date): Promise<void> {
  if (signupIds.length === 0) return;
  await tx
    .update(eventSignups)
    .set({ remindedAt: at })
    .where(and(eq(eventSignups.associationId, tenant), inArray(eventSignups.id, signupIds)));
}

/** Numbers each event's waitlisted sign-ups 1, 2, … in sign-up order; rows must come in that order. */
function withPositions(rows: (typeof eventSignups.$inferSelect)[]): SignupRow[] {
  const waiting = new Map<string, number>();
  return rows.map((row) => {
    if (row.status !== 'waitlisted') return { ...row, waitlistPosition: null };
    const position = (waiting.get(row.eventId) ?? 0) + 1;
    waiting.set(row.eventId, position);
    return { ...row, waitlistPosition: position };
  });
}
