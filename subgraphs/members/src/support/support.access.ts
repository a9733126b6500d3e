import { forbidden, isPlatformOperator, operatesIn, unauthenticated, type Viewer } from '@tunet/kit';

/** Who may open, close and read support sessions (decision 0030). Pure functions: no I/O. */

/** A platform operator in their own session: a support session's token cannot open another. */
export function requireOperatorOutsideSupport(viewer: Viewer | null): Viewer & { platformAdmin: true } {
  if (!viewer) throw unauthenticated();
  if (!isPlatformOperator(viewer)) throw forbidden('Only a platform operator opens support sessions.');
  if (viewer.support) throw forbidden('Close this support session first; a support session cannot open another.');
  return viewer;
}

/** A platform operator, in their own session or in one of their support sessions. */
export function requireOperator(viewer: Viewer | null): Viewer & { platformAdmin: true } {
  if (!viewer) throw unauthenticated();
  if (!isPlatformOperator(viewer)) throw forbidden('Only a platform operator closes support sessions.');
  return viewer;
}

/** The association's board sees who entered and what they did, and so does the operator inside a session there. */
export function canSeeSupportAccess(viewer: Viewer | null, associationId: string): boolean {
  return (viewer?.role === 'board' && viewer.associationId === associationId && !viewer.integration) || operatesIn(viewer, associationId);
}

/** One session: as the association's list, or the operator who opened it (the payload of open and close). */
export function canSeeSupportSession(viewer: Viewer | null, session: { associationId: string; accountId: string }): boolean {
  return canSeeSupportAccess(viewer, session.associationId) || (isPlatformOperator(viewer) && viewer.accountId === session.accountId);
}
