import { forbidden, isMember, isPlatformOperator, unauthenticated, type Viewer } from '@tunet/kit';
import type { Party } from './agreement.rules';

/**
 * Who may see and end an association's agreement with the provider. Pure functions: no I/O. The agreement has two
 * parties, the association (acting through its board) and the provider (acting through its platform operators, at
 * platform level: ending an agreement needs no support session inside the association).
 */

export type TerminationParty = Party | 'breach';

function isBoardOf(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && !viewer.integration && viewer.role === 'board' && viewer.associationId === associationId;
}

/** The party the viewer speaks for in this association's agreement, or null when they are not a party. */
export function partyOf(viewer: Viewer | null, associationId: string): Party | null {
  if (isPlatformOperator(viewer)) return 'provider';
  return isBoardOf(viewer, associationId) ? 'board' : null;
}

export function requireParty(viewer: Viewer | null, associationId: string): Party {
  if (!viewer) throw unauthenticated();
  const party = partyOf(viewer, associationId);
  if (!party) throw forbidden("Only the association's board or the provider can end its agreement.");
  return party;
}

/** Breach notices, blocks and reopening are the provider's alone. */
export function requireOperator(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  if (!isPlatformOperator(viewer)) throw forbidden('Only a platform operator of the provider can do this.');
  return viewer;
}

export function canReadAgreement(viewer: Viewer | null, associationId: string): boolean {
  return partyOf(viewer, associationId) !== null;
}

export function requireAgreementReader(viewer: Viewer | null, associationId: string): void {
  if (!viewer) throw unauthenticated();
  if (!canReadAgreement(viewer, associationId)) throw forbidden("Only the association's board and the provider see its agreement.");
}

/**
 * A termination is withdrawn by the party that filed it; one filed after a breach only by reopening the association.
 * Null when the viewer may, else why not.
 */
export function withdrawalRefusal(party: Party, initiatedBy: TerminationParty): string | null {
  if (initiatedBy === 'breach') return 'A termination after a breach is withdrawn by reopening the association (unblockAssociation).';
  if (party !== initiatedBy)
    return initiatedBy === 'board' ? 'Only the board can withdraw its own termination.' : "Only the provider can withdraw the provider's termination.";
  return null;
}
