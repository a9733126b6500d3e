import { monthDays, processRoute, STATISTICS_BOOKERS_ROUTE, statisticsBookersRequestSchema, type InternalRoute, type SubgraphDatabase } from '@tunet/kit';
import { sql } from 'drizzle-orm';

/**
 * Who made a booking in a whole month of the association's time zone (any status: they used the booking), for the
 * privacy subgraph's anonymous statistics (decision 0040), which intersects with the residents and lets only counts
 * out. Once a month per association is rare enough to read the association's bookings without an index of its own.
 */
export function statisticsRoutes(db: SubgraphDatabase): Record<string, InternalRoute> {
  return {
    [STATISTICS_BOOKERS_ROUTE]: processRoute(statisticsBookersRequestSchema, async ({ associationId, month, timeZone }) => {
      const { first, next } = monthDays(month);
      const result = (await db.tenant(associationId, (tx) =>
        tx.execute(sql`
          select distinct booker_member_id as id from reservations.bookings
            where association_id = ${associationId}::uuid
              and created_at >= (${first}::date::timestamp at time zone ${timeZone})
              and created_at < (${next}::date::timestamp at time zone ${timeZone})`),
      )) as { rows: { id: string }[] };
      return { memberIds: result.rows.map((r) => r.id) };
    }),
  };
}
