import type { Viewer } from '@tunet/kit';
import { hasInbox } from '../inbox/inbox.access';

/** Who may do what with push devices. Pure functions: no I/O, easy to test as a matrix. */

/** Each member registers, lists and removes their own browsers and phones; push is for people with an inbox. */
export function canManageOwnDevices(viewer: Viewer | null, associationId: string): boolean {
  return hasInbox(viewer, associationId);
}
