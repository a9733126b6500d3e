import {
  InternalRouteError,
  PRIVACY_ERASE_ASSOCIATION_ROUTE,
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_ASSOCIATION_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  PRIVACY_MOVED_OUT_ROUTE,
  PRIVACY_TOMBSTONE_ROUTE,
  privacyAssociationRequestSchema,
  privacyEraseRequestSchema,
  privacyExportRequestSchema,
  privacyMovedOutRequestSchema,
  privacyTombstoneRequestSchema,
  processRoute,
  type InternalRoute,
  type PrivacyAssociationRequest,
} from '@tunet/kit';
import type { z } from 'zod';
import { AssociationNotTerminated, TombstoneMismatch } from './privacy.repository';
import type { PrivacyService } from './privacy.service';

/** The association routes share a schema; each accepts only its own kind, so one body never fits the other. */
const associationRequest = (kind: PrivacyAssociationRequest['kind']) =>
  privacyAssociationRequestSchema.refine((body) => body.kind === kind, { message: `kind must be ${kind}` }) as z.ZodType<PrivacyAssociationRequest>;

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
export function privacyInternalRoutes(privacy: PrivacyService): Record<string, InternalRoute> {
  return {
    [PRIVACY_EXPORT_ROUTE]: processRoute(privacyExportRequestSchema, (body) => privacy.exportMember(body)),
    [PRIVACY_ERASE_ROUTE]: processRoute(privacyEraseRequestSchema, (body) => refusing(privacy.eraseMember(body))),
    [PRIVACY_TOMBSTONE_ROUTE]: processRoute(privacyTombstoneRequestSchema, async ({ associationId }) => {
      const memberId = await privacy.tombstone(associationId);
      if (!memberId) throw new InternalRouteError(404, 'No such association.');
      return { memberId };
    }),
    [PRIVACY_EXPORT_ASSOCIATION_ROUTE]: processRoute(associationRequest('privacy.export-association'), (body) => privacy.exportAssociation(body)),
    [PRIVACY_ERASE_ASSOCIATION_ROUTE]: processRoute(associationRequest('privacy.erase-association'), (body) => refusing(privacy.eraseAssociation(body))),
    [PRIVACY_MOVED_OUT_ROUTE]: processRoute(privacyMovedOutRequestSchema, (body) => privacy.movedOut(body)),
  };
}
