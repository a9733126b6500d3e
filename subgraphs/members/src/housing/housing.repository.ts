import { refusedAs, type Announcement, type SubgraphDatabase, type Tx } from '@tunet/kit';
import { and, asc, desc, eq, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { associations, buildings, tenures, units } from '../tables';

export type BuildingRow = typeof buildings.$inferSelect;
export type NewBuilding = typeof buildings.$inferInsert;
export type UnitRow = typeof units.$inferSelect;
export type NewUnit = typeof units.$inferInsert;
/** A tenure as stored, plus whether it is in force on the association's today. */
export type TenureRow = typeof tenures.$inferSelect & { active: boolean };
export type NewTenure = typeof tenures.$inferInsert;
export type TenurePatch = Partial<Pick<NewTenure, 'relation' | 'contractNumber' | 'moveIn' | 'moveOut'>>;
/**
 * The events a tenure's write announces, from the tenure as written, its move-out day before (null for a new one,
 * read under the row's lock, so concurrent writes each see the other's), the association's time zone, and whether
 * another tenure of the member runs on past its move-out day.
 */
export type TenureAnnouncements = (tenure: TenureRow, moveOutBefore: string | null, timeZone: string, livesOn: boolean) => Announcement[];

/**
 * Unique constraints are the source of truth for duplicates (a check before the insert would race); inserts report
 * them as RuleViolation with these names, and any other duplicate as `'duplicate'`.
 */
const DUPLICATE_RULES = {
  buildings_association_id_name_key: 'building-name-taken',
  units_number_unique: 'unit-number-taken',
  units_share_number_key: 'share-number-taken',
} as const;
export type DuplicateRule = (typeof DUPLICATE_RULES)[keyof typeof DUPLICATE_RULES] | 'duplicate';

const tenureWithState = {
  associationId: tenures.associationId,
  id: tenures.id,
  memberId: tenures.memberId,
  unitId: tenures.unitId,
  relation: tenures.relation,
  contractNumber: tenures.contractNumber,
  moveIn: tenures.moveIn,
  moveOut: tenures.moveOut,
  createdAt: tenures.createdAt,
  updatedAt: tenures.updatedAt,
  active: sql<boolean>`(${tenures.moveIn} <= members.association_today(${tenures.associationId})
    and (${tenures.moveOut} is null or ${tenures.moveOut} >= members.association_today(${tenures.associationId})))`,
};

/** The only code that reads or writes buildings, units and tenures. Every call names its tenant. */
export class HousingRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  listBuildings(tenant: string): Promise<BuildingRow[]> {
    return this.db.tenant(tenant, (tx) => tx.select().from(buildings).where(eq(buildings.associationId, tenant)).orderBy(asc(buildings.name)));
  }

  findBuildings(tenant: string, ids: readonly string[]): Promise<BuildingRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(buildings)
        .where(and(eq(buildings.associationId, tenant), inArray(buildings.id, [...ids]))),
    );
  }

  findUnits(tenant: string, ids: readonly string[]): Promise<UnitRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(units)
        .where(and(eq(units.associationId, tenant), inArray(units.id, [...ids]))),
    );
  }

  unitsInBuildings(tenant: string, buildingIds: readonly string[]): Promise<UnitRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(units)
        .where(and(eq(units.associationId, tenant), inArray(units.buildingId, [...buildingIds])))
        .orderBy(asc(units.number)),
    );
  }

  /** Tenures of the given members, or of the given units, newest first. */
  tenuresOf(tenant: string, by: 'member' | 'unit', ids: readonly string[], activeOnly: boolean): Promise<TenureRow[]> {
    const column = by === 'member' ? tenures.memberId : tenures.unitId;
    return this.db.tenant(tenant, (tx) =>
      tx
        .select(tenureWithState)
        .from(tenures)
        .where(and(eq(tenures.associationId, tenant), inArray(column, [...ids]), activeOnly ? tenureWithState.active : undefined))
        .orderBy(desc(tenures.moveIn), desc(tenures.createdAt)),
    );
  }

  async findTenure(tenant: string, id: string): Promise<TenureRow | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .select(tenureWithState)
        .from(tenures)
        .where(and(eq(tenures.associationId, tenant), eq(tenures.id, id))),
    );
    return row ?? null;
  }

  /** Whether another tenure of the same member on the same unit overlaps the given dates. */
  async overlapsTenure(tenant: string, tenure: Pick<NewTenure, 'memberId' | 'unitId' | 'moveIn' | 'moveOut'>, exceptId?: string): Promise<boolean> {
    const rows = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ id: tenures.id })
        .from(tenures)
        .where(
          and(
            eq(tenures.associationId, tenant),
            eq(tenures.memberId, tenure.memberId),
            eq(tenures.unitId, tenure.unitId),
            exceptId ? sql`${tenures.id} <> ${exceptId}::uuid` : undefined,
            or(isNull(tenures.moveOut), sql`${tenures.moveOut} >= ${tenure.moveIn}::date`),
            tenure.moveOut ? sql`${tenures.moveIn} <= ${tenure.moveOut}::date` : undefined,
          ),
        ),
    );
    return rows.length > 0;
  }

  async insertBuilding(tenant: string, building: Omit<NewBuilding, 'associationId'>): Promise<BuildingRow> {
    const [row] = await refusedAs<BuildingRow[], DuplicateRule>(
      DUPLICATE_RULES,
      () =>
        this.db.tenant(tenant, (tx) =>
          tx
            .insert(buildings)
            .values({ ...building, associationId: tenant })
            .returning(),
        ),
      'duplicate',
    );
    return row!;
  }

  async insertUnit(tenant: string, unit: Omit<NewUnit, 'associationId'>): Promise<UnitRow> {
    const [row] = await refusedAs<UnitRow[], DuplicateRule>(
      DUPLICATE_RULES,
      () =>
        this.db.tenant(tenant, (tx) =>
          tx
            .insert(units)
            .values({ ...unit, associationId: tenant })
            .returning(),
        ),
      'duplicate',
    );
    return row!;
  }

  async insertTenure(tenant: string, tenure: Omit<NewTenure, 'associationId'>, announce: TenureAnnouncements): Promise<TenureRow> {
    return this.db.tenant(tenant, async (tx) => {
      const [inserted] = await tx
        .insert(tenures)
        .values({ ...tenure, associationId: tenant })
        .returning({ id: tenures.id });
      const [row] = await tx
        .select(tenureWithState)
        .from(tenures)
        .where(and(eq(tenures.associationId, tenant), eq(tenures.id, inserted!.id)));
      const events = announce(row!, null, await timeZoneOf(tx, tenant), await livesOnAfter(tx, tenant, row!));
      for (const event of events) await this.db.outbox.add(tx, { ...event, associationId: tenant });
      return row!;
    });
  }

  /**
   * Changes a tenure. The events `announce` derives from the change go into the outbox in the same transaction, so
   * the change and its announcement commit together or not at all.
   */
  async updateTenure(tenant: string, id: string, patch: TenurePatch, announce: TenureAnnouncements): Promise<TenureRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      const [before] = await tx
        .select({ moveOut: tenures.moveOut })
        .from(tenures)
        .where(and(eq(tenures.associationId, tenant), eq(tenures.id, id)))
        .for('update');
      if (!before) return null;
      const [updated] = await tx
        .update(tenures)
        .set({ ...patch, updatedAt: new Date() })
        .where(and(eq(tenures.associationId, tenant), eq(tenures.id, id)))
        .returning({ id: tenures.id });
      if (!updated) return null;
      const [row] = await tx
        .select(tenureWithState)
        .from(tenures)
        .where(and(eq(tenures.associationId, tenant), eq(tenures.id, id)));
      const events = announce(row!, before.moveOut, await timeZoneOf(tx, tenant), await livesOnAfter(tx, tenant, row!));
      for (const event of events) await this.db.outbox.add(tx, { ...event, associationId: tenant });
      return row!;
    });
  }
}

async function timeZoneOf(tx: Tx, tenant: string): Promise<string> {
  const [association] = await tx.select({ timeZone: associations.timeZone }).from(associations).where(eq(associations.id, tenant));
  return association!.timeZone;
}

/** Whether another tenure of the tenure's member is open, or ends after this one's move-out day. */
async function livesOnAfter(tx: Tx, tenant: string, tenure: TenureRow): Promise<boolean> {
  if (tenure.moveOut === null) return false;
  const [other] = await tx
    .select({ id: tenures.id })
    .from(tenures)
    .where(
      and(
        eq(tenures.associationId, tenant),
        eq(tenures.memberId, tenure.memberId),
        ne(tenures.id, tenure.id),
        or(isNull(tenures.moveOut), gt(tenures.moveOut, tenure.moveOut)),
      ),
    )
    .limit(1);
  return other !== undefined;
}
