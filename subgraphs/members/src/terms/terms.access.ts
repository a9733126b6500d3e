import { forbidden, isPlatformOperator, notFound, unauthenticated, type Viewer } from '@tunet/kit';

/** Who may read and accept the terms of service. Pure functions: no I/O, easy to test as a matrix. */

/** People read the terms; an API key acts for an integration, which accepts nothing and needs none. */
export function canReadTermsVersions(viewer: Viewer | null): boolean {
  return viewer !== null && !viewer.integration;
}

/** The association's board, or a platform operator: the terms are the agreement between the two. */
export function canSeeAssociationTerms(viewer: Viewer | null, associationId: string): boolean {
  if (!viewer || viewer.integration) return false;
  return isPlatformOperator(viewer) || (viewer.role === 'board' && viewer.associationId === associationId);
}

export function requireTermsReader(viewer: Viewer | null): void {
  if (!viewer) throw unauthenticated();
  if (!canReadTermsVersions(viewer)) throw forbidden('An API key does not read the terms of service.');
}

export function requireAssociationTermsReader(viewer: Viewer | null, associationId: string): void {
  if (!viewer) throw unauthenticated();
  if (!canSeeAssociationTerms(viewer, associationId)) throw forbidden("Only the association's board and the provider see its terms.");
}

/**
 * Only the association's own board accepts terms for it: the provider cannot accept on its behalf (an operator
 * records a written acceptance only when creating the association). Another association is not found.
 */
export function requireTermsAcceptor(viewer: Viewer | null, associationId: string): Viewer & { memberId: string } {
  if (!viewer) throw unauthenticated();
  if (isPlatformOperator(viewer) || viewer.integration) throw forbidden("Only the association's board accepts its terms.");
  if (viewer.associationId !== associationId) throw notFound('Association');
  if (viewer.role !== 'board' || !viewer.memberId) throw forbidden("Only the association's board accepts its terms.");
  return { ...viewer, memberId: viewer.memberId };
}
