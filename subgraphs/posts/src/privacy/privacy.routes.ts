import {
  personalDataRoutes,
  PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE,
  PRIVACY_EXPORT_FILE_ROUTE,
  privacyExportAssociationFileRequestSchema,
  privacyExportFileRequestSchema,
  processRoute,
  type InternalRoute,
} from '@tunet/kit';
import type { PrivacyService } from './privacy.service';

/** The privacy routes the privacy subgraph calls (kit privacy.ts); processes only, for the association in the body. */
export function privacyRoutes(service: PrivacyService): Record<string, InternalRoute> {
  return {
    ...personalDataRoutes(service),
    [PRIVACY_EXPORT_FILE_ROUTE]: processRoute(privacyExportFileRequestSchema, (body) => service.exportFile(body)),
    [PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE]: processRoute(privacyExportAssociationFileRequestSchema, (body) => service.exportAssociationFile(body)),
  };
}
