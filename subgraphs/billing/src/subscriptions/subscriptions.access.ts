import { isMember, isPlatformOperator, type Viewer } from '@tunet/kit';

/**
 * Who may do what with an association's billing (docs/decisions/0032). Operators act at provider level: toggling an
 * add-on is the provider's own business with the association, so it needs no support session (that is for reading
 * the association's data). The board manages its own association's subscriptions; members see what is on. A platform
 * admin signed in through a membership is that member, never an operator there (decision 0030): an operator is one
 * signed in without a membership, or inside a support session.
 */
export const isOperator = (viewer: Viewer | null): boolean => isPlatformOperator(viewer) && viewer.memberId === null;

/** A board member of this association, signed in as a person (not an integration's key). */
export const isBoardOf = (viewer: Viewer | null, associationId: string): boolean =>
  isMember(viewer) && !viewer.integration && viewer.associationId === associationId && viewer.role === 'board';

/** Subscriptions, prices and the audit log: the board and operators. */
export const canManageBilling = (viewer: Viewer | null, associationId: string): boolean => isOperator(viewer) || isBoardOf(viewer, associationId);

/** Which features are on: any member of the association (residents too), and operators. */
export const canSeeEntitlements = (viewer: Viewer | null, associationId: string): boolean =>
  isOperator(viewer) || (isMember(viewer) && !viewer.integration && viewer.associationId === associationId);
