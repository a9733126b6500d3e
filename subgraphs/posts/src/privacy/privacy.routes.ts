import {
  personalDataRoutes,
  PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE,
  PRIVACY_EXPORT_FILE_ROUTE,
  privacyExportAssociationFileRequestSchema,
  privacyExportFileRequestSchema,
  processRoute,
  type ErasedOutbox,
  type InternalRoute,
} from '@tunet/kit';
import type { PrivacyService } from './privacy.service';

/** The privacy routes the privacy subgraph calls (kit privacy.ts); processes only, for the association in the body. */
export function privacyRoutes(service: PrivacyService, db: ErasedOutbox): Record<string, InternalRoute> {
  return {
    ...personalDataRoutes(service, db),
    [PRIVACY_EXPORT_FILE_ROUTE]: processRoute(privacyExportFileRequestSchema, (body) => service.exportFile(body)),
    [PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE]: processRoute(privacyExportAssociationFileRequestSchema, (body) => service.exportAssociationFile(body)),
  };
}
