import type { SubgraphDatabase } from '@tunet/kit';
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { associations, members, units } from '../tables';

export type AssociationRow = typeof associations.$inferSelect;
export type MemberRow = typeof members.$inferSelect;
export type UnitRow = typeof units.$inferSelect;
export type NewAssociation = typeof associations.$inferInsert;
export type NewUnit = typeof units.$inferInsert;
export type NewMember = typeof members.$inferInsert;

/** Keyset position in the name-ordered member list. */
export type MemberListPosition = { displayName: string; id: string };

/** The only code that reads or writes associations, units and members. Every call names its tenant. */
export class MembersRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  findAssociations(tenant: string, ids: readonly string[]): Promise<AssociationRow[]> {
    return this.db.tenant(tenant, (tx) => tx.select().from(associations).where(inArray(associations.id, [...ids])));
  }

  /** Platform admins operate Tunet itself and may look at any association. */
  findAssociationsAcrossTenants(ids: readonly string[]): Promise<AssociationRow[]> {
    return this.db.system((tx) => tx.select().from(associations).where(inArray(associations.id, [...ids])));
  }

  findMembers(tenant: string, ids: readonly string[]): Promise<MemberRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx.select().from(members).where(and(eq(members.associationId, tenant), inArray(members.id, [...ids]))),
    );
  }

  findUnits(tenant: string, ids: readonly string[]): Promise<UnitRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx.select().from(units).where(and(eq(units.associationId, tenant), inArray(units.id, [...ids]))),
    );
  }

  /**
   * One page ordered by name then id; fetch `limit + 1` to learn whether another page follows. The cursor is a
   * row comparison so PostgreSQL starts the index scan at it instead of discarding the rows before it.
   */
  listMembers(tenant: string, limit: number, after: MemberListPosition | null): Promise<MemberRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(members)
        .where(
          and(
            eq(members.associationId, tenant),
            after ? sql`(${members.displayName}, ${members.id}) > (${after.displayName}, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(asc(members.displayName), asc(members.id))
        .limit(limit),
    );
  }

  /** Creates an association with its units and members in one transaction (demo data, tests, and later onboarding). */
  async createAssociation(association: NewAssociation, newUnits: NewUnit[], newMembers: NewMember[]): Promise<void> {
    await this.db.tenant(association.id, async (tx) => {
      await tx.insert(associations).values(association);
      if (newUnits.length > 0) await tx.insert(units).values(newUnits);
      if (newMembers.length > 0) await tx.insert(members).values(newMembers);
    });
  }

  async countAssociations(): Promise<number> {
    const [row] = await this.db.system((tx) => tx.select({ total: count() }).from(associations));
    return row?.total ?? 0;
  }
}
