import { processRoute, type InternalRoute } from './internal-routes';
import {
  PRIVACY_ERASE_ASSOCIATION_ROUTE,
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_ASSOCIATION_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  privacyEraseAssociationRequestSchema,
  privacyEraseRequestSchema,
  privacyExportAssociationRequestSchema,
  privacyExportRequestSchema,
  type PrivacyAssociationRequest,
  type PrivacyEraseRequest,
  type PrivacyExportRequest,
} from './privacy';

/** What every subgraph holding personal data answers the privacy subgraph (docs/decisions/0036). */
export interface PersonalDataHolder {
  exportMember(body: PrivacyExportRequest): Promise<unknown>;
  eraseMember(body: PrivacyEraseRequest): Promise<unknown>;
  exportAssociation(body: PrivacyAssociationRequest): Promise<unknown>;
  eraseAssociation(body: PrivacyAssociationRequest): Promise<unknown>;
}

/**
 * The four routes of the privacy contract every subgraph answers, for Tunet's processes only (`processRoute`), each
 * taking only its own body; a subgraph adds its own beside them (members' tombstone, posts' files).
 */
export function personalDataRoutes(holder: PersonalDataHolder): Record<string, InternalRoute> {
  return {
    [PRIVACY_EXPORT_ROUTE]: processRoute(privacyExportRequestSchema, (body) => holder.exportMember(body)),
    [PRIVACY_ERASE_ROUTE]: processRoute(privacyEraseRequestSchema, (body) => holder.eraseMember(body)),
    [PRIVACY_EXPORT_ASSOCIATION_ROUTE]: processRoute(privacyExportAssociationRequestSchema, (body) => holder.exportAssociation(body)),
    [PRIVACY_ERASE_ASSOCIATION_ROUTE]: processRoute(privacyEraseAssociationRequestSchema, (body) => holder.eraseAssociation(body)),
  };
}
