import { MEMBER_REFERENCES_ROUTE, memberReferencesRequestSchema, processRoute, type InternalRoute } from '@tunet/kit';
import type { ReferencesRepository } from './references.repository';

/**
 * Which members, buildings, committees and units exist in the association the body names, for the subgraphs that
 * refer to them (posts: audiences, committee groups, group members). Answered from the database on every call.
 */
export function referencesInternalRoutes(repository: ReferencesRepository): Record<string, InternalRoute> {
  return {
    [MEMBER_REFERENCES_ROUTE]: processRoute(memberReferencesRequestSchema, async ({ associationId, references }) => ({
      existing: await repository.existing(associationId, references),
    })),
  };
}
