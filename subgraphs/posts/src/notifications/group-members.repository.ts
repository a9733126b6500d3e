import type { SubgraphDatabase } from '@tunet/kit';
import { and, eq } from 'drizzle-orm';
import { groupMembers, groups } from '../tables';

/** Who is in a group, as the notifications subgraph needs it to resolve a group audience. */
export interface GroupMembersAnswer {
  /** The interest group's members; empty for a committee group, an unknown group or another association's. */
  memberIds: string[];
  /**
   * The committee a committee group mirrors: its members are that committee's current members, which the members
   * subgraph knows and posts does not store. Null for an interest group.
   */
  committeeId: string | null;
}

/** Reads group memberships for the notifications subgraph, one statement per group. */
export class GroupMembersRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  async membersOf(tenant: string, groupId: string): Promise<GroupMembersAnswer> {
    const rows = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ committeeId: groups.committeeId, memberId: groupMembers.memberId })
        .from(groups)
        .leftJoin(groupMembers, and(eq(groupMembers.associationId, groups.associationId), eq(groupMembers.groupId, groups.id)))
        .where(and(eq(groups.associationId, tenant), eq(groups.id, groupId)))
        .orderBy(groupMembers.memberId),
    );
    return {
      memberIds: rows.flatMap((row) => (row.memberId ? [row.memberId] : [])),
      committeeId: rows[0]?.committeeId ?? null,
    };
  }
}
