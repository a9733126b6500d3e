import type { Viewer } from '@tunet/kit';
import { hasInbox } from '../inbox/inbox.access';

/** Who may see what about text messages. Pure functions: no I/O, easy to test as a matrix. */

/** The board sees how much of the month's SMS quota the association has used: it pays for the add-on. */
export function canSeeSmsUsage(viewer: Viewer | null, associationId: string): boolean {
  return hasInbox(viewer, associationId) && viewer?.role === 'board';
}
