import { isMember, type MemberRole, type Viewer } from '@tunet/kit';

/** Who may do what with events. Pure functions: no I/O, easy to test as a matrix. */

/**
 * Every member reads the association's events, externals included: the caretaker has to know that the common
 * room is taken on Saturday. Platform admins without a membership may not, as with posts.
 */
export function canReadEvents(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId;
}

/** Arranging and cancelling events speaks for the association, which is the board's job. */
export function canManageEvents(viewer: Viewer | null, associationId: string): boolean {
  return canReadEvents(viewer, associationId) && viewer?.role === 'board';
}

/**
 * Events are for the people who live there; externals work for the association without belonging to it. An
 * allow-list, so a role added later cannot take seats until decided.
 */
const ROLES_THAT_SIGN_UP: ReadonlySet<MemberRole> = new Set(['resident', 'board']);

export function canSignUpForEvents(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId && ROLES_THAT_SIGN_UP.has(viewer.role);
}

/** The board sees who comes, to plan food and seats; a neighbour's sign-up is otherwise their own business. */
export function canSeeAllSignups(viewer: Viewer | null, associationId: string): boolean {
  return canManageEvents(viewer, associationId);
}
