import { monthDays, processRoute, STATISTICS_BOOKERS_ROUTE, statisticsBookersRequestSchema, type InternalRoute, type SubgraphDatabase } from '@tunet/kit';
import { StatisticsRepository } from './statistics.repository';

/**
 * Who made a booking in a whole month of the association's time zone (any status: they used the booking), for the
 * privacy subgraph's anonymous statistics (decision 0040), which intersects with the residents and lets only counts
 * out.
 */
export function statisticsRoutes(db: SubgraphDatabase): Record<string, InternalRoute> {
  const repository = new StatisticsRepository(db);
  return {
    [STATISTICS_BOOKERS_ROUTE]: processRoute(statisticsBookersRequestSchema, async ({ associationId, month, timeZone }) => {
      const { first, next } = monthDays(month);
      return { memberIds: await repository.bookers(associationId, first, next, timeZone) };
    }),
  };
}
