import { InternalRouteError, processRoute, type InternalRoute } from '@tunet/kit';
import { supportRecordSchema, type SupportService } from './support.service';

/** The route the gateway calls before it runs an operation in a support session: logged, or refused with 403. */
export const SUPPORT_RECORD_ROUTE = 'support-sessions/record';

export function supportInternalRoutes(service: SupportService): Record<string, InternalRoute> {
  return {
    [SUPPORT_RECORD_ROUTE]: processRoute(supportRecordSchema, async (entry) => {
      if (!(await service.record(entry))) throw new InternalRouteError(403, 'The support session is closed or has expired.');
      return { recorded: true };
    }),
  };
}
