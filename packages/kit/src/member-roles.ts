import { z } from 'zod';
import { postInternalRoute, routeFailure } from './internal-routes';
import { roleSchema, type MemberRole } from './viewer';

/**
 * What members are today in their association (board, resident, external), for a subgraph that gives a member rights
 * by what they are: operations assigns a service request only to a current external (the caretaker) or board member.
 * Answered from the database on every call, so a caretaker whose title was removed a second ago is no longer one.
 */
export const MEMBER_ROLES_ROUTE = 'members/roles';

/** Far more than one mutation names; the body stays far below the internal routes' 64 kB. */
const MAX_IDS = 100;

// Strict, and with a key no other internal route takes: a body signed for one route means nothing to another.
export const memberRolesRequestSchema = z.strictObject({ associationId: z.guid(), roleMemberIds: z.array(z.guid()).max(MAX_IDS) });
export type MemberRolesRequest = z.infer<typeof memberRolesRequestSchema>;

/** One member of the association among those asked; a member of another association or of none is left out. */
export const memberRolesEntrySchema = z.strictObject({
  memberId: z.guid(),
  /** Derived for the association's today; empty for a former member. */
  roles: z.array(roleSchema),
  /** Suspended by the board: they cannot log in, so they cannot work on anything either. */
  suspended: z.boolean(),
});
export type MemberRolesEntry = z.infer<typeof memberRolesEntrySchema>;

export const memberRolesAnswerSchema = z.strictObject({ members: z.array(memberRolesEntrySchema) });

export interface MemberRoles {
  /** The members among `memberIds` that belong to the association, with what they are today. */
  rolesOf(associationId: string, memberIds: readonly string[]): Promise<MemberRolesEntry[]>;
}

/** Asks members' internal route on every call, signed like every internal call; nothing is cached. */
export class SignedMemberRoles implements MemberRoles {
  constructor(
    private readonly membersGraphqlUrl: () => string,
    private readonly internalSecret: string,
  ) {}

  async rolesOf(associationId: string, memberIds: readonly string[]): Promise<MemberRolesEntry[]> {
    if (memberIds.length === 0) return [];
    const response = await postInternalRoute({
      graphqlUrl: this.membersGraphqlUrl(),
      route: MEMBER_ROLES_ROUTE,
      internalSecret: this.internalSecret,
      payload: { associationId, roleMemberIds: [...memberIds] } satisfies MemberRolesRequest,
      timeoutMs: 10_000,
    });
    if (!response.ok) throw routeFailure(MEMBER_ROLES_ROUTE, response.status);
    return memberRolesAnswerSchema.parse(await response.json()).members;
  }
}

/** What a member is, for checks that take one member: no entry means no member of the association. */
export function rolesIn(entries: readonly MemberRolesEntry[], memberId: string): { roles: MemberRole[]; suspended: boolean } | null {
  return entries.find((entry) => entry.memberId === memberId) ?? null;
}
