import {
  InternalRouteError,
  personalDataRoutes,
  PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE,
  PRIVACY_EXPORT_FILE_ROUTE,
  PRIVACY_MOVED_OUT_ROUTE,
  PRIVACY_TOMBSTONE_ROUTE,
  privacyExportAssociationFileRequestSchema,
  privacyExportFileRequestSchema,
  privacyMovedOutRequestSchema,
  privacyTombstoneRequestSchema,
  processRoute,
  type ErasedOutbox,
  type InternalRoute,
} from '@tunet/kit';
import { AssociationNotTerminated, TombstoneMismatch } from './privacy.repository';
import type { PrivacyService } from './privacy.service';

/** Refusals the privacy subgraph can act on, as statuses instead of an internal error. */
async function refusing<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof TombstoneMismatch) throw new InternalRouteError(409, "policy.tombstoneMemberId is not the association's tombstone member.");
    if (error instanceof AssociationNotTerminated) throw new InternalRouteError(409, 'Only a terminated association is erased whole.');
    throw error;
  }
}

/** Members' privacy routes (packages/kit/src/privacy.ts), answered only to Tunet's processes (the privacy subgraph). */
export function privacyInternalRoutes(privacy: PrivacyService, db: ErasedOutbox): Record<string, InternalRoute> {
  return {
    ...personalDataRoutes(
      {
        exportMember: (body) => privacy.exportMember(body),
        eraseMember: (body) => refusing(privacy.eraseMember(body)),
        exportAssociation: (body) => privacy.exportAssociation(body),
        eraseAssociation: (body) => refusing(privacy.eraseAssociation(body)),
      },
      db,
    ),
    [PRIVACY_TOMBSTONE_ROUTE]: processRoute(privacyTombstoneRequestSchema, async ({ associationId }) => {
      const memberId = await privacy.tombstone(associationId);
      if (!memberId) throw new InternalRouteError(404, 'No such association.');
      return { memberId };
    }),
    [PRIVACY_MOVED_OUT_ROUTE]: processRoute(privacyMovedOutRequestSchema, (body) => privacy.movedOut(body)),
    // Uploaded portraits (decision 0047), listed in an export's files.
    [PRIVACY_EXPORT_FILE_ROUTE]: processRoute(privacyExportFileRequestSchema, (body) => privacy.exportFile(body)),
    [PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE]: processRoute(privacyExportAssociationFileRequestSchema, (body) => privacy.exportAssociationFile(body)),
  };
}
