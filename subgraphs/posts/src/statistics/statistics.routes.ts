import { monthDays, processRoute, STATISTICS_COMMENTERS_ROUTE, statisticsCommentersRequestSchema, type InternalRoute, type SubgraphDatabase } from '@tunet/kit';
import { StatisticsRepository } from './statistics.repository';

/**
 * Who wrote a comment in a whole month of the association's time zone (deleted since or not: they wrote it), for
 * the privacy subgraph's anonymous statistics (decision 0040), which intersects with the residents and lets only
 * counts out. Comments kept after an erasure carry the tombstone's id, which is no resident.
 */
export function statisticsRoutes(db: SubgraphDatabase): Record<string, InternalRoute> {
  const repository = new StatisticsRepository(db);
  return {
    [STATISTICS_COMMENTERS_ROUTE]: processRoute(statisticsCommentersRequestSchema, async ({ associationId, month, timeZone }) => {
      const { first, next } = monthDays(month);
      return { memberIds: await repository.commenters(associationId, first, next, timeZone) };
    }),
  };
}
