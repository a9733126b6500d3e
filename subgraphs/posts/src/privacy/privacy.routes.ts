import {
  PRIVACY_ERASE_ASSOCIATION_ROUTE,
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE,
  PRIVACY_EXPORT_ASSOCIATION_ROUTE,
  PRIVACY_EXPORT_FILE_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  privacyAssociationRequestSchema,
  privacyEraseRequestSchema,
  privacyExportAssociationFileRequestSchema,
  privacyExportFileRequestSchema,
  privacyExportRequestSchema,
  processRoute,
  type InternalRoute,
  type PrivacyAssociationRequest,
} from '@tunet/kit';
import type { z } from 'zod';
import type { PrivacyService } from './privacy.service';

/** Association routes take only their own kind, so an export body cannot ask for the erasure. */
function associationRequest(kind: PrivacyAssociationRequest['kind']): z.ZodType<PrivacyAssociationRequest> {
  return privacyAssociationRequestSchema.refine((body) => body.kind === kind, { message: `kind must be ${kind}` });
}

/** The privacy routes the privacy subgraph calls (kit privacy.ts); processes only, for the association in the body. */
export function privacyRoutes(service: PrivacyService): Record<string, InternalRoute> {
  return {
    [PRIVACY_EXPORT_ROUTE]: processRoute(privacyExportRequestSchema, (body) => service.exportMember(body)),
    [PRIVACY_EXPORT_FILE_ROUTE]: processRoute(privacyExportFileRequestSchema, (body) => service.exportFile(body)),
    [PRIVACY_ERASE_ROUTE]: processRoute(privacyEraseRequestSchema, (body) => service.eraseMember(body)),
    [PRIVACY_EXPORT_ASSOCIATION_ROUTE]: processRoute(associationRequest('privacy.export-association'), (body) => service.exportAssociation(body)),
    [PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE]: processRoute(privacyExportAssociationFileRequestSchema, (body) => service.exportAssociationFile(body)),
    [PRIVACY_ERASE_ASSOCIATION_ROUTE]: processRoute(associationRequest('privacy.erase-association'), (body) => service.eraseAssociation(body)),
  };
}
