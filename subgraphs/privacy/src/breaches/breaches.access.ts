import type { Viewer } from '@tunet/kit';
import { isBoardOf, isOperator } from '../settings/settings.access';

/**
 * Who may do what with the breach register (docs/decisions/0040): the provider records breaches and tells the
 * associations (operators); each association's board sees the breaches it was told of, with both clocks, and records
 * its report to Datatilsynet (or why none is due). Residents and integrations see nothing here.
 */
export const canKeepBreachRegister = (viewer: Viewer | null): boolean => isOperator(viewer);

export const canSeeBreachNotices = (viewer: Viewer | null, associationId: string): boolean => isOperator(viewer) || isBoardOf(viewer, associationId);

export const canRecordAuthorityReport = (viewer: Viewer | null): viewer is Viewer & { associationId: string; memberId: string } =>
  viewer?.associationId != null && isBoardOf(viewer, viewer.associationId);
