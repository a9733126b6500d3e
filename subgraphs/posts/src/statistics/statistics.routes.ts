import { monthDays, processRoute, STATISTICS_COMMENTERS_ROUTE, statisticsCommentersRequestSchema, type InternalRoute, type SubgraphDatabase } from '@tunet/kit';
import { sql } from 'drizzle-orm';

/**
 * Who wrote a comment in a whole month of the association's time zone (deleted since or not: they wrote it), for
 * the privacy subgraph's anonymous statistics (decision 0040), which intersects with the residents and lets only
 * counts out. Comments kept after an erasure carry the tombstone's id, which is no resident.
 */
export function statisticsRoutes(db: SubgraphDatabase): Record<string, InternalRoute> {
  return {
    [STATISTICS_COMMENTERS_ROUTE]: processRoute(statisticsCommentersRequestSchema, async ({ associationId, month, timeZone }) => {
      const { first, next } = monthDays(month);
      const result = (await db.tenant(associationId, (tx) =>
        tx.execute(sql`
          select distinct author_member_id as id from posts.comments
            where association_id = ${associationId}::uuid
              and created_at >= (${first}::date::timestamp at time zone ${timeZone})
              and created_at < (${next}::date::timestamp at time zone ${timeZone})`),
      )) as { rows: { id: string }[] };
      return { memberIds: result.rows.map((r) => r.id) };
    }),
  };
}
