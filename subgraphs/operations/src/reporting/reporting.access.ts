import type { Viewer } from '@tunet/kit';
import { canListAll } from '../service-requests/service-requests.access';

/**
 * Who reads the operations center's figures and export (decision 0044): whoever lists every request of the
 * association, that is the board and an operator in a support session there (decision 0041), since the figures and
 * the export are drawn from all of them. Residents, the caretaker and integrations read none.
 */
export function canReadReports(viewer: Viewer | null, associationId: string): boolean {
  return canListAll(viewer, associationId);
}
