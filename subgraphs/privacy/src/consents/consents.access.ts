import { forbidden, isMember, operatesIn, unauthenticated, type Viewer } from '@tunet/kit';

/**
 * Who may do what with purposes, consents, restrictions and notices (docs/decisions/0038). Pure predicates; every
 * operation acts in the viewer's own association, so another association's data is never named.
 */

/** A person signed in through a membership (any role), not an integration's key or an operator. */
export const isPerson = (viewer: Viewer | null): viewer is Viewer & { associationId: string; memberId: string } => isMember(viewer) && !viewer.integration;

/** The association's board, or a platform operator inside it through a support session (decision 0030). */
export const administers = (viewer: Viewer | null): viewer is Viewer & { associationId: string } =>
  viewer?.associationId != null && ((isPerson(viewer) && viewer.role === 'board') || operatesIn(viewer, viewer.associationId));

/** A consent is the person's own act: nobody, the board included, gives or withdraws it for them. */
export function requirePerson(viewer: Viewer | null): { associationId: string; memberId: string } {
  if (!viewer) throw unauthenticated();
  if (!isPerson(viewer)) throw forbidden('Only the person themself, signed in as a member, can do this.');
  return { associationId: viewer.associationId, memberId: viewer.memberId };
}

/** The register and the notice are for everyone in the association to read, and for an operator in a support session. */
export function requireReader(viewer: Viewer | null): string {
  if (!viewer) throw unauthenticated();
  if (!isPerson(viewer) && !administers(viewer)) throw forbidden("Only the association's members can read this.");
  return viewer.associationId;
}

export function requireAdministrator(viewer: Viewer | null): { associationId: string; memberId: string | null; actor: 'board' | 'operator' } {
  if (!viewer) throw unauthenticated();
  if (!administers(viewer)) throw forbidden('Only the board may do this.');
  return { associationId: viewer.associationId, memberId: isPerson(viewer) ? viewer.memberId : null, actor: isPerson(viewer) ? 'board' : 'operator' };
}
