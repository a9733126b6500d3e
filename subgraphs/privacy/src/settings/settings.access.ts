import { isMember, isPlatformOperator, operatesIn, type Viewer } from '@tunet/kit';

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

/**
 * The settings say how the association treats everyone's data: every member may read them, and an operator in an
 * open support session for the association (decision 0030), as for every other association read.
 */
export const canReadPrivacySettings = (viewer: Viewer | null, associationId: string): boolean =>
  operatesIn(viewer, associationId) || isPersonIn(viewer, associationId);

/** The records of processing (art. 30): the board keeps them; an operator reads them in a support session for it. */
export const canReadProcessingRecords = (viewer: Viewer | null, associationId: string): boolean =>
  operatesIn(viewer, associationId) || isBoardOf(viewer, associationId);

/** Only the board changes them (an operator helps through a support session, acting as the provider). */
export const canChangePrivacySettings = (viewer: Viewer | null, associationId: string): boolean => isBoardOf(viewer, associationId);
