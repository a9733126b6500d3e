import { isMember, type MemberViewer, type Viewer } from '@tunet/kit';

/** Who may open the live inbox stream. Pure functions: no I/O, easy to test as a matrix. */

/**
 * A member streams their own inbox in the association they act in. An integration key has no inbox, nor does a
 * platform admin without a membership.
 */
export function mayStreamInbox(viewer: Viewer | null): viewer is MemberViewer {
  return isMember(viewer);
}
