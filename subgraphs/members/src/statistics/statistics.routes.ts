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
import { StatisticsRepository } from './statistics.repository';

/**
 * The residents of an association in a month for the privacy subgraph's anonymous statistics (decision 0040):
 * members with a tenure at some point in the month (tenure dates are the association's calendar dates), not
 * externals and not the "Former resident" tombstone. Ids go to privacy only, which lets nothing but counts out.
 */
export function statisticsRoutes(db: SubgraphDatabase): Record<string, InternalRoute> {
  const repository = new StatisticsRepository(db);
  return {
    [STATISTICS_RESIDENTS_ROUTE]: processRoute(statisticsResidentsRequestSchema, async ({ associationId, month, at }): Promise<StatisticsResidentsAnswer> => {
      const answer = await repository.residents(associationId, at, month, monthDays);
      if (!answer) throw new InternalRouteError(404, 'No such association.');
      return answer;
    }),
  };
}
