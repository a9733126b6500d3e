import { refusedAs, type Announcement, type SubgraphDatabase, type Tx } from '@tunet/kit';
import { and, asc, count, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { groupJoinRequests, groupMembers, groups, type GroupKind, type GroupRole, type JoinRequestDecision } from '../tables';

export type GroupRow = typeof groups.$inferSelect;
export type GroupMemberRow = typeof groupMembers.$inferSelect;
export type JoinRequestRow = typeof groupJoinRequests.$inferSelect;
/** The association comes from the tenant the group is inserted under, so the two cannot disagree. */
export type NewGroup = Pick<GroupRow, 'id' | 'kind' | 'name' | 'description' | 'open' | 'committeeId' | 'createdByMemberId'>;
export type GroupPatch = Partial<Pick<GroupRow, 'name' | 'description' | 'open'>>;

const GROUP_RULES = { groups_one_per_committee: 'committee-has-group' } as const;
export type GroupRule = (typeof GROUP_RULES)[keyof typeof GROUP_RULES];

/** Keyset positions: groups by name, members by join time, requests by request time. */
export type GroupListPosition = { name: string; id: string };
export type MemberListPosition = { joinedAt: Date; memberId: string };
export type RequestListPosition = { requestedAt: Date; id: string };

export interface GroupListFilter {
  kind: GroupKind | null;
  includeArchived: boolean;
  /** Only the groups this member belongs to: interest groups by membership, committee groups by seat. */
  joinedBy: { memberId: string; committeeIds: readonly string[] } | null;
}

export const JOIN_REQUESTED_TOPIC = 'group.join_requested' as const;
export const MEMBER_ADDED_TOPIC = 'group.member_added' as const;

/** The only code that reads or writes groups, their members and join requests. Every call names its tenant. */
export class GroupsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  findGroups(tenant: string, ids: readonly string[]): Promise<GroupRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(groups)
        .where(and(eq(groups.associationId, tenant), inArray(groups.id, [...ids]))),
    );
  }

  /** Fetch `limit + 1` to learn whether another page follows; the row comparison lets the index start at the cursor. */
  listGroups(tenant: string, filter: GroupListFilter, limit: number, after: GroupListPosition | null): Promise<GroupRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(groups)
        .where(
          and(
            eq(groups.associationId, tenant),
            filter.kind ? eq(groups.kind, filter.kind) : undefined,
            filter.includeArchived ? undefined : isNull(groups.archivedAt),
            filter.joinedBy ? joinedBy(tx, tenant, filter.joinedBy.memberId, filter.joinedBy.committeeIds) : undefined,
            after ? sql`(${groups.name}, ${groups.id}) > (${after.name}, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(asc(groups.name), asc(groups.id))
        .limit(limit),
    );
  }

  /** Every group the member is in, archived ones included: their posts stay readable to the members. */
  async groupIdsOf(tenant: string, memberId: string, committeeIds: readonly string[]): Promise<string[]> {
    const rows = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ id: groups.id })
        .from(groups)
        .where(and(eq(groups.associationId, tenant), joinedBy(tx, tenant, memberId, committeeIds))),
    );
    return rows.map((row) => row.id);
  }

  /** Members per interest group; groups without any are absent. */
  countMembers(tenant: string, groupIds: readonly string[]): Promise<{ groupId: string; count: number }[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select({ groupId: groupMembers.groupId, count: count() })
        .from(groupMembers)
        .where(and(eq(groupMembers.associationId, tenant), inArray(groupMembers.groupId, [...groupIds])))
        .groupBy(groupMembers.groupId),
    );
  }

  /** How many requests to join wait for an answer in each group; groups without any are absent. */
  countPendingRequests(tenant: string, groupIds: readonly string[]): Promise<{ groupId: string; count: number }[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select({ groupId: groupJoinRequests.groupId, count: count() })
        .from(groupJoinRequests)
        .where(and(eq(groupJoinRequests.associationId, tenant), inArray(groupJoinRequests.groupId, [...groupIds]), isNull(groupJoinRequests.decision)))
        .groupBy(groupJoinRequests.groupId),
    );
  }

  /** One member's memberships among the groups. */
  membershipsOf(tenant: string, memberId: string, groupIds: readonly string[]): Promise<GroupMemberRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(groupMembers)
        .where(and(eq(groupMembers.associationId, tenant), eq(groupMembers.memberId, memberId), inArray(groupMembers.groupId, [...groupIds]))),
    );
  }

  /** One member's pending join requests among the groups. */
  pendingRequestsOf(tenant: string, memberId: string, groupIds: readonly string[]): Promise<JoinRequestRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(groupJoinRequests)
        .where(
          and(
            eq(groupJoinRequests.associationId, tenant),
            eq(groupJoinRequests.memberId, memberId),
            inArray(groupJoinRequests.groupId, [...groupIds]),
            isNull(groupJoinRequests.decision),
          ),
        ),
    );
  }

  listMembers(tenant: string, groupId: string, limit: number, after: MemberListPosition | null): Promise<GroupMemberRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(groupMembers)
        .where(
          and(
            eq(groupMembers.associationId, tenant),
            eq(groupMembers.groupId, groupId),
            after
              ? sql`(${groupMembers.joinedAt}, ${groupMembers.memberId}) > (${after.joinedAt.toISOString()}::timestamptz, ${after.memberId}::uuid)`
              : undefined,
          ),
        )
        .orderBy(asc(groupMembers.joinedAt), asc(groupMembers.memberId))
        .limit(limit),
    );
  }

  listPendingRequests(tenant: string, groupId: string, limit: number, after: RequestListPosition | null): Promise<JoinRequestRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(groupJoinRequests)
        .where(
          and(
            eq(groupJoinRequests.associationId, tenant),
            eq(groupJoinRequests.groupId, groupId),
            isNull(groupJoinRequests.decision),
            after
              ? sql`(${groupJoinRequests.requestedAt}, ${groupJoinRequests.id}) > (${after.requestedAt.toISOString()}::timestamptz, ${after.id}::uuid)`
              : undefined,
          ),
        )
        .orderBy(asc(groupJoinRequests.requestedAt), asc(groupJoinRequests.id))
        .limit(limit),
    );
  }

  findRequests(tenant: string, ids: readonly string[]): Promise<JoinRequestRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(groupJoinRequests)
        .where(and(eq(groupJoinRequests.associationId, tenant), inArray(groupJoinRequests.id, [...ids]))),
    );
  }

  /**
   * The creator of an interest group becomes its first admin in the same transaction, so it is never without one.
   * A committee has at most one group (a unique index): a second is refused with RuleViolation `'committee-has-group'`.
   */
  insertGroup(tenant: string, group: NewGroup): Promise<GroupRow> {
    return refusedAs(GROUP_RULES, () =>
      this.db.tenant(tenant, async (tx) => {
        const [row] = await tx
          .insert(groups)
          .values({ ...group, associationId: tenant })
          .returning();
        if (!row) throw new Error('insert returned no row');
        if (row.kind === 'interest') {
          await tx.insert(groupMembers).values({ associationId: tenant, groupId: row.id, memberId: row.createdByMemberId, role: 'admin' });
        }
        return row;
      }),
    );
  }

  /**
   * Runs `work` on the group in one transaction with the group row locked (`for update`), so changes to one
   * group's members happen one after the other: two admins demoting each other at the same moment cannot leave
   * the group without an admin, and a request cannot be approved and declined at once. Null when the group does
   * not exist in the tenant. `work` may throw to refuse, which rolls everything back, events included.
   */
  change<T>(tenant: string, groupId: string, work: (group: GroupRow, changes: GroupChanges) => Promise<T>): Promise<T | null> {
    return this.db.tenant(tenant, async (tx) => {
      const [group] = await tx
        .select()
        .from(groups)
        .where(and(eq(groups.associationId, tenant), eq(groups.id, groupId)))
        .for('update');
      if (!group) return null;
      return work(group, new GroupChanges(this.db, tx, group));
    });
  }

  /** Across all associations, so demo groups are loaded only into an empty database. */
  async countGroups(): Promise<number> {
    const [row] = await this.db.system((tx) => tx.select({ total: count() }).from(groups));
    return row?.total ?? 0;
  }
}

/** The changes one locked group allows, inside the transaction `GroupsRepository.change` holds. */
export class GroupChanges {
  private readonly tenant: string;

  constructor(
    private readonly db: SubgraphDatabase,
    private readonly tx: Tx,
    readonly group: GroupRow,
  ) {
    this.tenant = group.associationId;
  }

  async roleOf(memberId: string): Promise<GroupRole | null> {
    const [row] = await this.tx.select({ role: groupMembers.role }).from(groupMembers).where(this.member(memberId));
    return row?.role ?? null;
  }

  async adminIds(): Promise<string[]> {
    const rows = await this.tx
      .select({ memberId: groupMembers.memberId })
      .from(groupMembers)
      .where(and(this.members(), eq(groupMembers.role, 'admin')))
      .orderBy(asc(groupMembers.memberId));
    return rows.map((row) => row.memberId);
  }

  async addMember(memberId: string, role: GroupRole, addedByMemberId: string | null): Promise<GroupMemberRow> {
    const [row] = await this.tx
      .insert(groupMembers)
      .values({ associationId: this.tenant, groupId: this.group.id, memberId, role, addedByMemberId })
      .returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async removeMember(memberId: string): Promise<GroupMemberRow | null> {
    const [row] = await this.tx.delete(groupMembers).where(this.member(memberId)).returning();
    return row ?? null;
  }

  async setRole(memberId: string, role: GroupRole): Promise<GroupMemberRow | null> {
    const [row] = await this.tx.update(groupMembers).set({ role }).where(this.member(memberId)).returning();
    return row ?? null;
  }

  async pendingRequestOf(memberId: string): Promise<JoinRequestRow | null> {
    const [row] = await this.tx
      .select()
      .from(groupJoinRequests)
      .where(and(this.requests(), eq(groupJoinRequests.memberId, memberId), isNull(groupJoinRequests.decision)));
    return row ?? null;
  }

  /** A request of this group by id, decided or not. */
  async request(id: string): Promise<JoinRequestRow | null> {
    const [row] = await this.tx
      .select()
      .from(groupJoinRequests)
      .where(and(this.requests(), eq(groupJoinRequests.id, id)));
    return row ?? null;
  }

  async pendingRequests(): Promise<JoinRequestRow[]> {
    return this.tx
      .select()
      .from(groupJoinRequests)
      .where(and(this.requests(), isNull(groupJoinRequests.decision)))
      .orderBy(asc(groupJoinRequests.requestedAt), asc(groupJoinRequests.id));
  }

  async requestToJoin(id: string, memberId: string): Promise<JoinRequestRow> {
    const [row] = await this.tx.insert(groupJoinRequests).values({ associationId: this.tenant, id, groupId: this.group.id, memberId }).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async decide(requestId: string, decision: JoinRequestDecision, decidedByMemberId: string): Promise<JoinRequestRow> {
    const [row] = await this.tx
      .update(groupJoinRequests)
      .set({ decision, decidedAt: sql`now()`, decidedByMemberId })
      .where(and(this.requests(), eq(groupJoinRequests.id, requestId)))
      .returning();
    if (!row) throw new Error('update of a locked request returned no row');
    return row;
  }

  async update(patch: GroupPatch): Promise<GroupRow> {
    if (Object.keys(patch).length === 0) return this.group;
    const [row] = await this.tx.update(groups).set(patch).where(this.row()).returning();
    return row!;
  }

  async archive(): Promise<GroupRow> {
    const [row] = await this.tx
      .update(groups)
      .set({ archivedAt: sql`coalesce(${groups.archivedAt}, now())` })
      .where(this.row())
      .returning();
    return row!;
  }

  /** Records an event of this group's association in the outbox; it commits or rolls back with the change. */
  async announce(event: Announcement): Promise<void> {
    await this.db.outbox.add(this.tx, { ...event, associationId: this.tenant });
  }

  private row() {
    return and(eq(groups.associationId, this.tenant), eq(groups.id, this.group.id));
  }

  private members() {
    return and(eq(groupMembers.associationId, this.tenant), eq(groupMembers.groupId, this.group.id));
  }

  private member(memberId: string) {
    return and(this.members(), eq(groupMembers.memberId, memberId));
  }

  private requests() {
    return and(eq(groupJoinRequests.associationId, this.tenant), eq(groupJoinRequests.groupId, this.group.id));
  }
}

/** Interest groups the member has a row in, and committee groups of the committees they sit on. */
function joinedBy(tx: Tx, tenant: string, memberId: string, committeeIds: readonly string[]) {
  const memberships = tx
    .select({ groupId: groupMembers.groupId })
    .from(groupMembers)
    .where(and(eq(groupMembers.associationId, tenant), eq(groupMembers.memberId, memberId)));
  return or(inArray(groups.id, memberships), committeeIds.length > 0 ? inArray(groups.committeeId, [...committeeIds]) : undefined);
}
