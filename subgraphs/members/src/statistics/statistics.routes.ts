import {
  InternalRouteError,
  monthDays,
  processRoute,
  STATISTICS_RESIDENTS_ROUTE,
  statisticsResidentsRequestSchema,
  type InternalRoute,
  type StatisticsResidentsAnswer,
  type SubgraphDatabase,
} from '@tunet/kit';
import { sql } from 'drizzle-orm';

/**
 * The residents of an association in a month for the privacy subgraph's anonymous statistics (decision 0040):
 * members with a tenure at some point in the month (tenure dates are the association's calendar dates), not
 * externals and not the "Former resident" tombstone. Ids go to privacy only, which lets nothing but counts out.
 */
export function statisticsRoutes(db: SubgraphDatabase): Record<string, InternalRoute> {
  return {
    [STATISTICS_RESIDENTS_ROUTE]: processRoute(statisticsResidentsRequestSchema, async ({ associationId, month, at }) =>
      db.tenant(associationId, async (tx): Promise<StatisticsResidentsAnswer> => {
        const association = (await tx.execute(sql`
          select time_zone, to_char(${at}::timestamptz at time zone time_zone, 'YYYY-MM') as this_month
            from members.associations where id = ${associationId}::uuid`)) as { rows: { time_zone: string; this_month: string }[] };
        const found = association.rows[0];
        if (!found) throw new InternalRouteError(404, 'No such association.');
        const resolved = month ?? found.this_month;
        const { first, next } = monthDays(resolved);
        const residents = (await tx.execute(sql`
          select distinct m.id from members.members m
            join members.tenures t on t.association_id = m.association_id and t.member_id = m.id
            where m.association_id = ${associationId}::uuid and not m.tombstone and m.external_title is null
              and t.move_in < ${next}::date and (t.move_out is null or t.move_out >= ${first}::date)`)) as { rows: { id: string }[] };
        return { month: resolved, timeZone: found.time_zone, memberIds: residents.rows.map((r) => r.id) };
      }),
    ),
  };
}
