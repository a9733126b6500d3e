import { InternalRouteError, MEMBER_REFERENCES_ROUTE, memberReferencesRequestSchema, type InternalRoute } from '@tunet/kit';
import { z } from 'zod';
import type { ReferencesRepository } from './references.repository';

/**
 * Which members, buildings, committees and units exist in the association the body names, for the subgraphs that
 * refer to them (posts: audiences, committee groups, group members). Answered from the database on every call.
 */
export function referencesInternalRoutes(repository: ReferencesRepository): Record<string, InternalRoute> {
  return {
    [MEMBER_REFERENCES_ROUTE]: async (body, request) => {
      // Subgraphs ask without a viewer; a viewer here would mean a person's request was forwarded.
      if (request.viewer) throw new InternalRouteError(400, 'References are checked for Tunet processes, not people.');
      const parsed = memberReferencesRequestSchema.safeParse(body);
      if (!parsed.success) throw new InternalRouteError(400, `Expected { associationId, references }: ${z.prettifyError(parsed.error)}`);
      return { existing: await repository.existing(parsed.data.associationId, parsed.data.references) };
    },
  };
}
