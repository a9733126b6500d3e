import { forbidden, unauthenticated } from './errors';
import { isMember, type MemberViewer, type Viewer } from './viewer';

/**
 * The viewer as a member acting in their own association, once `allowed` (a pure access rule) lets them act
 * there: UNAUTHENTICATED for nobody, FORBIDDEN for anyone else.
 */
export function admitMember(viewer: Viewer | null, allowed: (viewer: Viewer, associationId: string) => boolean): MemberViewer {
  if (!viewer) throw unauthenticated();
  if (!isMember(viewer) || !allowed(viewer, viewer.associationId)) throw forbidden();
  return viewer;
}
