import type { SubgraphDatabase } from './database';
import type { DeadLetters } from './events/dead-letters';
import type { Outbox } from './events/outbox';
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

/** The subgraph's outbox and dead letters, which an erasure clears of the person's events too. */
export interface ErasedOutbox {
  tenant: SubgraphDatabase['tenant'];
  outbox: Pick<Outbox, 'forgetPerson' | 'forgetAssociation'>;
  deadLetters: Pick<DeadLetters, 'forgetPerson' | 'forgetAssociation'>;
}

/**
 * The four routes of the privacy contract every subgraph answers, for Tunet's processes only (`processRoute`), each
 * taking only its own body; a subgraph adds its own beside them (members' tombstone, posts' files). After the
 * subgraph's erasure, its outbox and dead letters keep none of the person's (or the erased association's) events
 * for a replay (`Outbox.forgetPerson`, `forgetAssociation`, the same on `DeadLetters`, decision 0052); a failure there fails the step, which the privacy
 * subgraph asks again (both parts repeat harmlessly).
 */
export function personalDataRoutes(holder: PersonalDataHolder, db: ErasedOutbox): Record<string, InternalRoute> {
  return {
    [PRIVACY_EXPORT_ROUTE]: processRoute(privacyExportRequestSchema, (body) => holder.exportMember(body)),
    [PRIVACY_ERASE_ROUTE]: processRoute(privacyEraseRequestSchema, async (body) => {
      const answer = await holder.eraseMember(body);
      await db.tenant(body.associationId, async (tx) => {
        await db.outbox.forgetPerson(tx, body.associationId, [body.memberId]);
        await db.deadLetters.forgetPerson(tx, body.associationId, [body.memberId]);
      });
      return answer;
    }),
    [PRIVACY_EXPORT_ASSOCIATION_ROUTE]: processRoute(privacyExportAssociationRequestSchema, (body) => holder.exportAssociation(body)),
    [PRIVACY_ERASE_ASSOCIATION_ROUTE]: processRoute(privacyEraseAssociationRequestSchema, async (body) => {
      const answer = await holder.eraseAssociation(body);
      await db.tenant(body.associationId, async (tx) => {
        await db.outbox.forgetAssociation(tx, body.associationId);
        await db.deadLetters.forgetAssociation(tx, body.associationId);
      });
      return answer;
    }),
  };
}
