import { isPlatformOperator, type Viewer } from '@tunet/kit';

/**
 * A terminated association's closure is the provider's duty to its former customer (docs/decisions/0037): its
 * operators follow it, issue the download link and send the deletion receipt. Not from inside a support session,
 * which acts for one association within its agreement (decision 0030); not the association's own people, who can no
 * longer log in, nor an integration's key.
 */
export const canManageClosures = (viewer: Viewer | null): boolean => isPlatformOperator(viewer) && viewer.memberId === null && !viewer.support;
