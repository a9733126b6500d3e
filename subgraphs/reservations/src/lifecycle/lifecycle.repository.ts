import type { Announcement, SubgraphDatabase, Tx } from '@tunet/kit';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { bookings, resources } from '../tables';

export type BookingRow = typeof bookings.$inferSelect;

/** Reads and writes for what happens to bookings without a request: reminders, and finding a mover's bookings. */
export class LifecycleRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Marks up to `limit` confirmed bookings starting in `(now, until]` as reminded and writes what `announce` makes
   * of each (with its resource's name), in one transaction across associations (bookings_reminder_due). Rows another
   * sweep holds are skipped rather than waited for, so concurrent sweeps on several replicas claim each once.
   */
  claimDueReminders(now: Date, until: Date, limit: number, announce: (booking: BookingRow, resourceName: string) => Announcement): Promise<number> {
    return this.db.system(async (tx) => {
      const due = tx
        .select({ associationId: bookings.associationId, id: bookings.id })
        .from(bookings)
        .where(
          and(
            eq(bookings.status, 'confirmed'),
            isNull(bookings.remindedAt),
            sql`lower(${bookings.during}) > ${now.toISOString()}::timestamptz`,
            sql`lower(${bookings.during}) <= ${until.toISOString()}::timestamptz`,
          ),
        )
        .orderBy(sql`lower(${bookings.during})`)
        .limit(limit)
        .for('update', { skipLocked: true });
      const claimed = await tx
        .update(bookings)
        .set({ remindedAt: now })
        .where(and(sql`(${bookings.associationId}, ${bookings.id}) in (${due})`, isNull(bookings.remindedAt)))
        .returning();
      const names = await resourceNames(tx, claimed);
      for (const booking of claimed) {
        const announcement = announce(booking, names.get(`${booking.associationId}:${booking.resourceId}`) ?? '');
        await this.db.outbox.add(tx, { ...announcement, associationId: booking.associationId });
      }
      return claimed.length;
    });
  }

  /** The ids of the member's pending and confirmed bookings starting at `from` or later (bookings_by_booker). */
  async liveBookingsFrom(tenant: string, memberId: string, from: Date): Promise<string[]> {
    const rows = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ id: bookings.id })
        .from(bookings)
        .where(
          and(
            eq(bookings.associationId, tenant),
            eq(bookings.bookerMemberId, memberId),
            inArray(bookings.status, ['pending', 'confirmed']),
            sql`lower(${bookings.during}) >= ${from.toISOString()}::timestamptz`,
          ),
        )
        .orderBy(sql`lower(${bookings.during})`, asc(bookings.id)),
    );
    return rows.map((row) => row.id);
  }
}

async function resourceNames(tx: Tx, rows: BookingRow[]): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const found = await tx
    .select({ associationId: resources.associationId, id: resources.id, name: resources.name })
    .from(resources)
    .where(inArray(resources.id, [...new Set(rows.map((row) => row.resourceId))]));
  return new Map(found.map((r) => [`${r.associationId}:${r.id}`, r.name]));
}
