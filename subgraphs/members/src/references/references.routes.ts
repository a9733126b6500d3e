import {
  MEMBER_HOMES_ROUTE,
  MEMBER_REFERENCES_ROUTE,
  MEMBER_ROLES_ROUTE,
  memberHomesRequestSchema,
  memberReferencesRequestSchema,
  memberRolesRequestSchema,
  processRoute,
  type InternalRoute,
} from '@tunet/kit';
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
    // What members are today, for rights given by role (operations assigns requests to the caretaker or the board).
    [MEMBER_ROLES_ROUTE]: processRoute(memberRolesRequestSchema, async ({ associationId, roleMemberIds }) => ({
      members: await repository.roles(associationId, roleMemberIds),
    })),
    // Where a member lives today (operations: a service request about the reporter's own unit).
    [MEMBER_HOMES_ROUTE]: processRoute(memberHomesRequestSchema, async ({ associationId, homesOfMemberId }) => ({
      homes: await repository.homes(associationId, homesOfMemberId),
    })),
  };
}
