import type { SubgraphDatabase } from '@tunet/kit';
import { sql } from 'drizzle-orm';

/** Counts for the privacy subgraph's anonymous statistics (decision 0040); ids leave only towards privacy. */
export class StatisticsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * The association's time zone and the month `at` falls in there, or null for an unknown association; then the
   * members with a tenure at some point from `first` to before `next`, not externals and not the tombstone.
   */
  async residents(
    associationId: string,
    at: string,
    month: string | null,
    daysOf: (month: string) => { first: string; next: string },
  ): Promise<{ month: string; timeZone: string; memberIds: string[] } | null> {
    return this.db.tenant(associationId, async (tx) => {
      const association = (await tx.execute(sql`
        select time_zone, to_char(${at}::timestamptz at time zone time_zone, 'YYYY-MM') as this_month
          from members.associations where id = ${associationId}::uuid`)) as { rows: { time_zone: string; this_month: string }[] };
      const found = association.rows[0];
      if (!found) return null;
      const resolved = month ?? found.this_month;
      const { first, next } = daysOf(resolved);
      const residents = (await tx.execute(sql`
        select distinct m.id from members.members m
          join members.tenures t on t.association_id = m.association_id and t.member_id = m.id
          where m.association_id = ${associationId}::uuid and not m.tombstone and m.external_title is null
            and t.move_in < ${next}::date and (t.move_out is null or t.move_out >= ${first}::date)`)) as { rows: { id: string }[] };
      return { month: resolved, timeZone: found.time_zone, memberIds: residents.rows.map((r) => r.id) };
    });
  }
}
