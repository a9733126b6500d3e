import {
  PRIVACY_ERASE_ASSOCIATION_ROUTE,
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_ASSOCIATION_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  privacyAssociationRequestSchema,
  privacyEraseRequestSchema,
  privacyExportRequestSchema,
  processRoute,
  type InternalRoute,
  type PrivacyAssociationRequest,
} from '@tunet/kit';
import type { z } from 'zod';
import type { PrivacyService } from './privacy.service';

/** The association routes share a schema; each accepts only its own kind, so one body never fits the other. */
const associationRequest = (kind: PrivacyAssociationRequest['kind']) =>
  privacyAssociationRequestSchema.refine((body) => body.kind === kind, { message: `kind must be ${kind}` }) as z.ZodType<PrivacyAssociationRequest>;

/** Notifications' privacy routes (packages/kit/src/privacy.ts), answered only to Tunet's processes (the privacy subgraph). */
export function privacyInternalRoutes(privacy: PrivacyService): Record<string, InternalRoute> {
  return {
    [PRIVACY_EXPORT_ROUTE]: processRoute(privacyExportRequestSchema, (body) => privacy.exportMember(body)),
    [PRIVACY_ERASE_ROUTE]: processRoute(privacyEraseRequestSchema, (body) => privacy.eraseMember(body)),
    [PRIVACY_EXPORT_ASSOCIATION_ROUTE]: processRoute(associationRequest('privacy.export-association'), (body) => privacy.exportAssociation(body)),
    [PRIVACY_ERASE_ASSOCIATION_ROUTE]: processRoute(associationRequest('privacy.erase-association'), (body) => privacy.eraseAssociation(body)),
  };
}
