import { associationClosed, forbidden, refuse, unauthenticated, type AssociationClosedStatus, type MemberRole, type Viewer } from '@tunet/kit';

/** Who may start a session and change an account's password and e-mail. Pure functions: no I/O. */

/** The role a session acts in: the board's rights include a resident's, a resident's an external's. */
const ROLE_PRECEDENCE: MemberRole[] = ['board', 'resident', 'external'];

export function sessionRoleOf(roles: readonly MemberRole[]): MemberRole | null {
  return ROLE_PRECEDENCE.find((role) => roles.includes(role)) ?? null;
}

/** Password and e-mail belong to a person's account; API keys have neither. */
export function requirePerson(viewer: Viewer | null): Viewer & { associationId: string } {
  if (!viewer) throw unauthenticated();
  if (!viewer.associationId) {
    // An operator's own session (decision 0030): logged in, but the password is set through a one-time link.
    if (viewer.platformAdmin) throw forbidden('An operator sets a new password with `npm run tunet -- create-operator --new-link`.');
    throw unauthenticated();
  }
  if (viewer.integration) throw forbidden('An API key has no password or e-mail of its own.');
  // Its events and mail would go out in the association's name; the operator's own session is the place.
  if (viewer.support) throw forbidden('A support session acts for the association, not for your account.');
  return viewer as Viewer & { associationId: string };
}

/** Nobody enters a blocked or terminated association; they are told which (decision 0034). */
export function requireOpenAssociation(membership: { associationStatus: 'active' | AssociationClosedStatus }): void {
  if (membership.associationStatus !== 'active') throw associationClosed(membership.associationStatus);
}

/** A suspended member cannot log in and is told why and until when. */
export function requireNotSuspended(membership: { suspension: { reason: string; until: string | null } | null }): void {
  const { suspension } = membership;
  if (!suspension) return;
  throw refuse('MEMBERSHIP_SUSPENDED', { suspensionReason: suspension.reason, until: suspension.until });
}
