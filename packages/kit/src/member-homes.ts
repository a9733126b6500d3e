import { z } from 'zod';
import { postInternalRoute, routeFailure } from './internal-routes';

/**
 * Where a member lives today: the units of their current tenures (moved in, not yet moved out, in the association's
 * today) and those units' buildings. Operations accepts a service request about the reporter's own unit only for
 * one of these. Answered from the database on every call, so a tenure ended a second ago no longer counts.
 */
export const MEMBER_HOMES_ROUTE = 'members/homes';

// Strict, and with a key no other internal route takes: a body signed for one route means nothing to another.
export const memberHomesRequestSchema = z.strictObject({ associationId: z.guid(), homesOfMemberId: z.guid() });
export type MemberHomesRequest = z.infer<typeof memberHomesRequestSchema>;

export const memberHomeSchema = z.strictObject({ unitId: z.guid(), buildingId: z.guid() });
export type MemberHome = z.infer<typeof memberHomeSchema>;
export const memberHomesAnswerSchema = z.strictObject({ homes: z.array(memberHomeSchema) });

export interface MemberHomes {
  /** The member's current homes in the association; empty for a member without a tenure today, or of another association. */
  homesOf(associationId: string, memberId: string): Promise<MemberHome[]>;
}

/** Asks members' internal route on every call, signed like every internal call; nothing is cached. */
export class SignedMemberHomes implements MemberHomes {
  constructor(
    private readonly membersGraphqlUrl: () => string,
    private readonly internalSecret: string,
  ) {}

  async homesOf(associationId: string, memberId: string): Promise<MemberHome[]> {
    const response = await postInternalRoute({
      graphqlUrl: this.membersGraphqlUrl(),
      route: MEMBER_HOMES_ROUTE,
      internalSecret: this.internalSecret,
      payload: { associationId, homesOfMemberId: memberId } satisfies MemberHomesRequest,
      timeoutMs: 10_000,
    });
    if (!response.ok) throw routeFailure(MEMBER_HOMES_ROUTE, response.status);
    return memberHomesAnswerSchema.parse(await response.json()).homes;
  }
}
