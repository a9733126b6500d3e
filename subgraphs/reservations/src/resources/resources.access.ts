import { isMember, type Viewer } from '@tunet/kit';

/** Who may do what with resources and their schedules. Pure functions: no I/O, easy to test as a matrix. */

/**
 * Every member sees the association's resources and when they are free, externals included: the caretaker books
 * the party room for a course, and needs to see it. Integrations and platform admins without a membership do not.
 */
export function canReadResources(viewer: Viewer | null, associationId: string): boolean {
  return isMember(viewer) && viewer.associationId === associationId;
}

/** Setting up resources, their rules, prices and opening hours speaks for the association: the board's job. */
export function canManageResources(viewer: Viewer | null, associationId: string): boolean {
  return canReadResources(viewer, associationId) && viewer?.role === 'board';
}
