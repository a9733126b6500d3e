import { isMember, isPlatformOperator, type Viewer } from '@tunet/kit';

/**
 * A platform operator signed in without a membership (decision 0030): a platform admin signed in through a
 * membership is that member there, never an operator.
 */
export const isOperator = (viewer: Viewer | null): boolean => isPlatformOperator(viewer) && viewer.memberId === null;

/** A board member of this association, signed in as a person (not an integration's key). */
export const isBoardOf = (viewer: Viewer | null, associationId: string): boolean =>
  isMember(viewer) && !viewer.integration && viewer.associationId === associationId && viewer.role === 'board';

/** A person who is a member of this association (any role), not an integration's key. */
export const isPersonIn = (viewer: Viewer | null, associationId: string): boolean =>
  isMember(viewer) && !viewer.integration && viewer.associationId === associationId;

/** The settings say how the association treats everyone's data: every member may read them, and operators. */
export const canReadPrivacySettings = (viewer: Viewer | null, associationId: string): boolean => isOperator(viewer) || isPersonIn(viewer, associationId);

/** Only the board changes them (an operator helps through a support session, acting as the provider). */
export const canChangePrivacySettings = (viewer: Viewer | null, associationId: string): boolean => isBoardOf(viewer, associationId);
