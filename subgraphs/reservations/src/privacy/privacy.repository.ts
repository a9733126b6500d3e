import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { sql, type SQL } from 'drizzle-orm';

type Row = Record<string, unknown>;

/** A booking kept for its charges after its booker was erased gets this key, which names no request of theirs. */
export const ERASED_KEY_PREFIX = 'erased:';

/** The bookkeeping zone: charges are kept by the calendar year in Norway (the association's default zone). */
export const FISCAL_ZONE = 'Europe/Oslo';

/** The rows a statement answers (both drivers answer `{ rows }`). */
export async function query<R = Row>(tx: Tx, statement: SQL): Promise<R[]> {
  const result: unknown = await tx.execute(statement);
  return (result as { rows: R[] }).rows;
}

async function changed(tx: Tx, statement: SQL): Promise<number> {
  return (await query(tx, statement)).length;
}

// Calendar feeds are exported without their nonce and token hash: credentials, not data about anyone.
const FEED_COLUMNS = sql.raw('association_id, member_id, about, issued_at, valid_until');

export interface ReservationsErasure {
  counts: Record<string, number>;
  /** When each charge kept for the bookkeeping was made, for the receipt's keptUntil. */
  keptCharges: Date[];
  /** Their own bookings deleted, and kept for their charges without them. */
  bookings: { deleted: number; kept: number };
}

/** The only SQL of the privacy routes: what reservations holds about a member or an association, and its erasure. */
export class PrivacyRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  exportMember(a: string, m: string): Promise<Record<string, Row[]>> {
    return this.db.tenant(a, async (tx) => ({
      // Their own bookings in full; where they only acted for the board on another's booking, what they did and
      // when, never that resident's comment, household or times (GDPR art. 15(4)).
      bookings: [
        ...(await query(tx, sql`select * from reservations.bookings where association_id = ${a} and booker_member_id = ${m} order by lower(during), id`)),
        ...(await query(
          tx,
          sql`select id, 'decided' as action, status, decided_at as at from reservations.bookings
              where association_id = ${a} and decided_by_member_id = ${m} and booker_member_id <> ${m}
              union all
              select id, 'cancelled' as action, status, cancelled_at as at from reservations.bookings
              where association_id = ${a} and cancelled_by_member_id = ${m} and booker_member_id <> ${m}
              order by at, id`,
        )),
      ],
      charges: await query(tx, sql`select * from reservations.charges where association_id = ${a} and member_id = ${m} order by created_at, id`),
      calendar_feeds: await query(tx, sql`select ${FEED_COLUMNS} from reservations.calendar_feeds where association_id = ${a} and member_id = ${m}`),
    }));
  }

  exportAssociation(a: string): Promise<Record<string, Row[]>> {
    return this.db.tenant(a, async (tx) => {
      const tables: Record<string, Row[]> = {};
      for (const table of ['locations', 'resources', 'opening_hours', 'closed_periods', 'quotas', 'bookings', 'charges']) {
        tables[table] = await query(tx, sql`select * from ${sql.raw(`reservations.${table}`)} where association_id = ${a}`);
      }
      tables.calendar_feeds = await query(tx, sql`select ${FEED_COLUMNS} from reservations.calendar_feeds where association_id = ${a}`);
      return tables;
    });
  }

  /**
   * Erases the member in one tenant transaction (decision 0036). Their bookings still ahead are cancelled, refunded in
   * full as a move-out cancels them (the refund is a charge of its own). A booking without charges is then deleted;
   * one with charges stays, stripped of the booker, their household, comment and request key, for as long as its
   * charges. Charges are kept for the bookkeeping law with only what it needs: amount, date, booking (resource and
   * time) and description; the booker is the tombstone and the household is gone. Records where they acted for the
   * board name the tombstone. Calendar feeds are deleted. A second call finds nothing to change.
   */
  eraseMember(a: string, m: string, tombstone: string, now: Date): Promise<ReservationsErasure> {
    return this.db.tenant(a, async (tx) => {
      // Two erasures of one person at once would each refund the bookings ahead; the second waits here for the first.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`privacy-erase:${a}:${m}`}, 0))`);
      const at = now.toISOString();
      const ahead = sql`select id from reservations.bookings where association_id = ${a} and booker_member_id = ${m}
                        and status in ('pending', 'confirmed') and lower(during) > ${at}::timestamptz`;
      const refunds = await changed(
        tx,
        sql`insert into reservations.charges (association_id, id, booking_id, unit_id, member_id, amount, reason, description, created_at)
            select b.association_id, gen_random_uuid(), b.id, null, ${tombstone}, -paid.amount, 'cancellation_refund',
                   'Refund for cancelled booking: ' || r.name || ', ' || to_char(lower(b.during) at time zone r.time_zone, 'DD.MM.YYYY HH24:MI')
                     || '–' || to_char(upper(b.during) at time zone r.time_zone, 'DD.MM.YYYY HH24:MI'),
                   ${at}::timestamptz
            from reservations.bookings b
            join reservations.resources r on r.association_id = b.association_id and r.id = b.resource_id
            join lateral (select coalesce(sum(c.amount), 0) as amount from reservations.charges c
                          where c.association_id = b.association_id and c.booking_id = b.id) paid on true
            where b.association_id = ${a} and b.id in (${ahead}) and paid.amount > 0
            returning 1`,
      );
      await tx.execute(
        sql`update reservations.bookings set status = 'cancelled', cancelled_at = ${at}::timestamptz, cancel_reason = null, cancelled_by_member_id = null
            where association_id = ${a} and id in (${ahead})`,
      );
      const deleted = await changed(
        tx,
        sql`delete from reservations.bookings b where b.association_id = ${a} and b.booker_member_id = ${m}
            and not exists (select 1 from reservations.charges c where c.association_id = b.association_id and c.booking_id = b.id) returning 1`,
      );
      const kept = await changed(
        tx,
        sql`update reservations.bookings set booker_member_id = ${tombstone}, unit_id = null, comment = null, hide_name = true,
              idempotency_key = ${ERASED_KEY_PREFIX} || id::text, erased_at = ${at}::timestamptz, rules_accepted_at = null, decision_reason = null, cancel_reason = null
            where association_id = ${a} and booker_member_id = ${m} returning 1`,
      );
      // Where they acted for the board on another's booking, the tombstone did; that resident's booking is not theirs.
      for (const column of ['decided_by_member_id', 'cancelled_by_member_id']) {
        await tx.execute(sql`update reservations.bookings set ${sql.raw(column)} = ${tombstone} where association_id = ${a} and ${sql.raw(column)} = ${m}`);
      }
      const stripped = await query<{ created_at: Date | string }>(
        tx,
        sql`update reservations.charges set member_id = ${tombstone}, unit_id = null where association_id = ${a} and member_id = ${m} returning created_at`,
      );
      const calendarFeeds = await changed(tx, sql`delete from reservations.calendar_feeds where association_id = ${a} and member_id = ${m} returning 1`);
      return {
        counts: { bookings: deleted + kept, charges: stripped.length + refunds, calendar_feeds: calendarFeeds },
        bookings: { deleted, kept },
        keptCharges: [...stripped.map((row) => new Date(row.created_at)), ...(refunds > 0 ? [now] : [])],
      };
    });
  }

  /** Whether the member is a tombstone: bookings kept after an erasure name them as booker. */
  async isTombstone(a: string, m: string): Promise<boolean> {
    const found = await this.db.tenant(a, (tx) =>
      query(tx, sql`select 1 from reservations.bookings where association_id = ${a} and booker_member_id = ${m} and erased_at is not null limit 1`),
    );
    return found.length > 0;
  }

  /** Deletes every row of the association, in the order the foreign keys need. */
  eraseAssociation(a: string): Promise<Record<string, number>> {
    return this.db.tenant(a, async (tx) => {
      const counts: Record<string, number> = {};
      for (const table of ['charges', 'bookings', 'calendar_feeds', 'quotas', 'closed_periods', 'opening_hours', 'resources', 'locations']) {
        counts[table] = await changed(tx, sql`delete from ${sql.raw(`reservations.${table}`)} where association_id = ${a} returning 1`);
      }
      return counts;
    });
  }

  /**
   * One pass of the charges retention job, across associations: charges made before `before` are deleted, and so
   * are bookings kept only for their charges (their booker was erased) once none is left.
   */
  purgeExpiredCharges(before: Date): Promise<Record<string, number>> {
    return this.db.system(async (tx) => {
      const charges = await changed(tx, sql`delete from reservations.charges where created_at < ${before.toISOString()}::timestamptz returning 1`);
      const bookings = await changed(
        tx,
        sql`delete from reservations.bookings b where b.erased_at is not null
            and not exists (select 1 from reservations.charges c where c.association_id = b.association_id and c.booking_id = b.id) returning 1`,
      );
      return { charges, bookings };
    });
  }
}
