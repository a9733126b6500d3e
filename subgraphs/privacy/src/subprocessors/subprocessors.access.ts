import type { Viewer } from '@tunet/kit';
import { isBoardOf, isOperator, isPersonIn } from '../settings/settings.access';

/**
 * Who may do what with the sub-processor register (docs/decisions/0040): it is the provider's, so only operators
 * announce changes; every person of an association reads it (the privacy notice points to it), and its board speaks
 * for the association in objecting. Integrations' keys read nothing here.
 */
export const canReadRegister = (viewer: Viewer | null): boolean =>
  isOperator(viewer) || (viewer?.associationId != null && isPersonIn(viewer, viewer.associationId));

export const canAnnounceChange = (viewer: Viewer | null): boolean => isOperator(viewer);

export const canObject = (viewer: Viewer | null): viewer is Viewer & { associationId: string; memberId: string } =>
  viewer?.associationId != null && isBoardOf(viewer, viewer.associationId);
