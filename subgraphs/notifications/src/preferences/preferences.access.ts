import type { Viewer } from '@tunet/kit';
import { hasInbox } from '../inbox/inbox.access';

/** Who may do what with notification preferences. Pure functions: no I/O, easy to test as a matrix. */

/**
 * Each member reads and changes their own preferences, and only those: no one else (the board included) decides
 * how a person is told, and integrations and platform admins have no inbox to set up.
 */
export function canManageOwnPreferences(viewer: Viewer | null, associationId: string): boolean {
  return hasInbox(viewer, associationId);
}

/** Billing messages (subscription, invoices, terms of service) go to the board, so only the board sees that category. */
export function receivesBilling(viewer: Viewer | null): boolean {
  return viewer?.role === 'board';
}
