import { refusedAs, type Announcement, type SubgraphDatabase } from '@tunet/kit';
import { and, asc, count, eq, getTableColumns, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import { associations, buildings, committees, committeeTerms, members, tenures, units } from '../tables';

export type AssociationRow = typeof associations.$inferSelect;
export type NewAssociation = typeof associations.$inferInsert;
export type MemberRoleName = 'resident' | 'board' | 'external';
/** A member as stored, plus the roles the database derives for today. */
export type MemberRow = typeof members.$inferSelect & { roles: MemberRoleName[] };
export type NewMember = typeof members.$inferInsert;
export type MemberPatch = Partial<
  Pick<NewMember, 'displayName' | 'phone' | 'portraitUrl' | 'occupation' | 'about' | 'onlineIdentities' | 'hideName' | 'visibility'>
>;

/** The rules the database holds for associations, by the constraint that holds each. */
const ASSOCIATION_RULES = { associations_org_number_key: 'org-number-taken' } as const;
export type AssociationRule = (typeof ASSOCIATION_RULES)[keyof typeof ASSOCIATION_RULES];

/** Keyset position in the name-ordered directory. */
export type DirectoryPosition = { sortName: string; id: string };

export interface DirectoryQuery {
  search?: string;
  buildingId?: string;
  unitId?: string;
  committeeId?: string;
  /** Whether people who hide their name are listed (only for the board). */
  includeHiddenNames: boolean;
  /** Members left out: those whose processing is restricted (decision 0038). */
  excludeIds?: readonly string[];
}

/** Selects a member with the roles derived for the association's today. */
export const memberWithRoles = {
  ...getTableColumns(members),
  roles: sql<MemberRoleName[]>`members.member_roles(${members.associationId}, ${members.id})`,
};

/** The only code that reads or writes associations and members. Every call names its tenant. */
export class MembersRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  findAssociations(tenant: string, ids: readonly string[]): Promise<AssociationRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(associations)
        .where(inArray(associations.id, [...ids])),
    );
  }

  /** Platform admins operate Tunet itself and may look at any association. */
  findAssociationsAcrossTenants(ids: readonly string[]): Promise<AssociationRow[]> {
    return this.db.system((tx) =>
      tx
        .select()
        .from(associations)
        .where(inArray(associations.id, [...ids])),
    );
  }

  /** Refuses an organisation number another association has with RuleViolation `'org-number-taken'`. */
  async updateAssociation(tenant: string, patch: Partial<NewAssociation>): Promise<AssociationRow> {
    const [row] = await refusedAs(ASSOCIATION_RULES, () =>
      this.db.tenant(tenant, (tx) => tx.update(associations).set(patch).where(eq(associations.id, tenant)).returning()),
    );
    if (!row) throw new Error(`association ${tenant} vanished`);
    return row;
  }

  findMembers(tenant: string, ids: readonly string[]): Promise<MemberRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select(memberWithRoles)
        .from(members)
        .where(and(eq(members.associationId, tenant), inArray(members.id, [...ids]))),
    );
  }

  /**
   * Current members (anyone with a role today) in Norwegian name order, filtered; fetch `limit + 1` to learn
   * whether another page follows. The cursor is a row comparison so the index scan starts at it.
   */
  directory(tenant: string, query: DirectoryQuery, limit: number, after: DirectoryPosition | null): Promise<MemberRow[]> {
    const conditions = [
      ...this.directoryConditions(tenant, query),
      after ? sql`(${members.sortName}, ${members.id}) > (${after.sortName}, ${after.id}::uuid)` : undefined,
    ];
    return this.db.tenant(tenant, (tx) =>
      tx
        .select(memberWithRoles)
        .from(members)
        .where(and(...conditions))
        .orderBy(asc(members.sortName), asc(members.id))
        .limit(limit),
    );
  }

  /** How many people the same filters find, over every page. */
  async countDirectory(tenant: string, query: DirectoryQuery): Promise<number> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ total: count() })
        .from(members)
        .where(and(...this.directoryConditions(tenant, query))),
    );
    return row?.total ?? 0;
  }

  private directoryConditions(tenant: string, query: DirectoryQuery): (SQL | undefined)[] {
    return [
      eq(members.associationId, tenant),
      sql`cardinality(members.member_roles(${members.associationId}, ${members.id})) > 0`,
      query.includeHiddenNames ? undefined : eq(members.hideName, false),
      query.excludeIds?.length ? notInArray(members.id, [...query.excludeIds]) : undefined,
      query.search ? this.matches(tenant, query.search) : undefined,
      query.unitId || query.buildingId ? this.livesIn(tenant, query) : undefined,
      query.committeeId ? this.sitsOn(tenant, query.committeeId) : undefined,
    ];
  }

  /**
   * The search, folded (members.search_fold, migration 0020), as part of what everyone in the directory sees of a
   * person: the name (rows whose name is hidden from the viewer are already left out), an external's title, the
   * building, street address and unit of a home they live in today, and the committees they sit on today. Contact
   * details and the profile are never searched, so a search cannot reveal a value the viewer may not see.
   */
  private matches(tenant: string, search: string): SQL {
    const found = (text: SQL) => sql`strpos(members.search_fold(${text}), members.search_fold(${search})) > 0`;
    const today = sql`members.association_today(${tenant})`;
    return sql`(${found(sql`${members.displayName}`)} or ${found(sql`${members.externalTitle}`)}
      or exists (
        select 1 from ${tenures}
        join ${units} on ${units.associationId} = ${tenures.associationId} and ${units.id} = ${tenures.unitId}
        join ${buildings} on ${buildings.associationId} = ${units.associationId} and ${buildings.id} = ${units.buildingId}
        where ${tenures.associationId} = ${tenant} and ${tenures.memberId} = ${members.id}
          and ${tenures.moveIn} <= ${today} and (${tenures.moveOut} is null or ${tenures.moveOut} >= ${today})
          and (${found(sql`${buildings.name} || ' ' || ${units.number}`)}
            or ${found(sql`coalesce(${units.streetAddress}, ${buildings.streetAddress})`)}))
      or exists (
        select 1 from ${committeeTerms}
        join ${committees} on ${committees.associationId} = ${committeeTerms.associationId} and ${committees.id} = ${committeeTerms.committeeId}
        where ${committeeTerms.associationId} = ${tenant} and ${committeeTerms.memberId} = ${members.id}
          and ${committeeTerms.termFrom} <= ${today} and (${committeeTerms.termTo} is null or ${committeeTerms.termTo} >= ${today})
          and ${found(sql`${committees.name}`)}))`;
  }

  private livesIn(tenant: string, query: DirectoryQuery): SQL {
    return sql`exists (
      select 1 from ${tenures} join ${units} on ${units.associationId} = ${tenures.associationId} and ${units.id} = ${tenures.unitId}
      where ${tenures.associationId} = ${tenant} and ${tenures.memberId} = ${members.id}
        and ${tenures.moveIn} <= members.association_today(${tenant})
        and (${tenures.moveOut} is null or ${tenures.moveOut} >= members.association_today(${tenant}))
        ${query.unitId ? sql`and ${units.id} = ${query.unitId}::uuid` : sql``}
        ${query.buildingId ? sql`and ${units.buildingId} = ${query.buildingId}::uuid` : sql``})`;
  }

  private sitsOn(tenant: string, committeeId: string): SQL {
    return sql`exists (
      select 1 from ${committeeTerms}
      where ${committeeTerms.associationId} = ${tenant} and ${committeeTerms.memberId} = ${members.id}
        and ${committeeTerms.committeeId} = ${committeeId}::uuid
        and ${committeeTerms.termFrom} <= members.association_today(${tenant})
        and (${committeeTerms.termTo} is null or ${committeeTerms.termTo} >= members.association_today(${tenant})))`;
  }

  /** Changes a member; events `announce` derives go into the outbox in the same transaction. */
  async updateMember(
    tenant: string,
    id: string,
    patch: MemberPatch & Partial<NewMember>,
    announce: (member: MemberRow) => Announcement[] = () => [],
  ): Promise<MemberRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      const [row] = await tx
        .update(members)
        .set({ ...patch, updatedAt: new Date() })
        .where(and(eq(members.associationId, tenant), eq(members.id, id)))
        .returning(memberWithRoles);
      if (row) for (const event of announce(row)) await this.db.outbox.add(tx, { ...event, associationId: tenant });
      return row ?? null;
    });
  }

  async insertAssociation(association: NewAssociation): Promise<AssociationRow> {
    const [row] = await this.db.tenant(association.id, (tx) => tx.insert(associations).values(association).returning());
    return row!;
  }

  async insertMembers(tenant: string, rows: Omit<NewMember, 'associationId'>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.tenant(tenant, (tx) => tx.insert(members).values(rows.map((row) => ({ ...row, associationId: tenant }))));
  }

  async countAssociations(): Promise<number> {
    const [row] = await this.db.system((tx) => tx.select({ total: count() }).from(associations));
    return row?.total ?? 0;
  }
}
