import { groupLoader, type RequestContext } from '@tunet/kit';
import type { MaintenanceService } from './maintenance.service';
import type { MaintenanceOccurrenceRow } from './maintenance.tables';

export interface MaintenanceLoaders {
  /** A task's latest completed rounds, newest first, by task id: one query for every task of a plan. */
  history: { load(taskId: string): Promise<MaintenanceOccurrenceRow[]> };
}

// Keyed by the request's context object, which every resolver of one request shares: the loaders live exactly as long
// as the request, without a field in the subgraph's context.
const perRequest = new WeakMap<object, MaintenanceLoaders>();

/** The request's maintenance loaders, made on first use within the viewer's association. */
export function maintenanceLoaders(ctx: RequestContext & { maintenance: MaintenanceService }): MaintenanceLoaders {
  let loaders = perRequest.get(ctx);
  if (!loaders) {
    loaders = {
      history: groupLoader(
        ctx.viewer,
        (associationId, taskIds) => ctx.maintenance.historyOf(associationId, taskIds),
        (row) => row.taskId,
      ),
    };
    perRequest.set(ctx, loaders);
  }
  return loaders;
}
