import { forbidden, hasScope, unauthenticated, type Viewer } from '@tunet/kit';
import { canAdminister } from '../members/members.access';
import type { NewImportJob } from './imports.repository';

/** Who may import members, and follow imports: the board, and integrations holding `members:import`. Pure. */
export function canImport(viewer: Viewer | null, associationId: string): boolean {
  return canAdminister(viewer, associationId) || hasScope(viewer, associationId, 'members:import');
}

/** The association the viewer imports into (always their own), or UNAUTHENTICATED / FORBIDDEN. */
export function requireImporter(viewer: Viewer | null): string {
  if (!viewer) throw unauthenticated();
  if (!viewer.associationId || !canImport(viewer, viewer.associationId)) {
    throw forbidden('Only the board, or an integration with the members:import scope, may import members.');
  }
  return viewer.associationId;
}

/** Who started a job: the integration's API key, the board member, or a platform admin's account. */
export function creatorOf(viewer: Viewer): Pick<NewImportJob, 'createdBy' | 'createdByKind'> {
  if (viewer.integration) return { createdBy: viewer.integration.apiKeyId, createdByKind: 'api_key' };
  if (viewer.memberId) return { createdBy: viewer.memberId, createdByKind: 'member' };
  return { createdBy: viewer.accountId, createdByKind: 'account' };
}
