import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { closedPeriods, locations, openingHours, quotas, resources } from '../tables';

export type ResourceRow = typeof resources.$inferSelect;
export type LocationRow = typeof locations.$inferSelect;
export type OpeningHoursRow = typeof openingHours.$inferSelect;
export type ClosedPeriodRow = typeof closedPeriods.$inferSelect;
export type QuotaRow = typeof quotas.$inferSelect;

/** The association comes from the tenant the row is written under, so the two cannot disagree. */
export type NewResource = Omit<typeof resources.$inferInsert, 'associationId' | 'archivedAt' | 'createdAt' | 'updatedAt'>;
export type ResourceChanges = Partial<Omit<NewResource, 'id'>>;
export type NewLocation = Omit<typeof locations.$inferInsert, 'associationId' | 'createdAt'>;
export type NewOpeningHours = Pick<OpeningHoursRow, 'weekday' | 'opens' | 'closes'>;
export type NewClosedPeriod = Pick<ClosedPeriodRow, 'id' | 'resourceId' | 'during' | 'reason'>;
export type NewQuota = Omit<QuotaRow, 'associationId' | 'resourceId'>;

/** Keyset position in the by-name resource list. */
export type ResourceListPosition = { name: string; id: string };
export interface ResourceFilter {
  locationId: string | null;
  includeArchived: boolean;
}

/** The only code that reads or writes resources, locations and their schedules. Every call names its tenant. */
export class ResourcesRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  findResources(tenant: string, ids: readonly string[]): Promise<ResourceRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(resources)
        .where(and(eq(resources.associationId, tenant), inArray(resources.id, [...ids]))),
    );
  }

  /** By name, then id; the row comparison lets PostgreSQL start `resources_by_name` at the cursor. */
  listResources(tenant: string, filter: ResourceFilter, limit: number, after: ResourceListPosition | null): Promise<ResourceRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(resources)
        .where(
          and(
            eq(resources.associationId, tenant),
            filter.locationId ? eq(resources.locationId, filter.locationId) : undefined,
            filter.includeArchived ? undefined : isNull(resources.archivedAt),
            after ? sql`(${resources.name}, ${resources.id}) > (${after.name}, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(asc(resources.name), asc(resources.id))
        .limit(limit),
    );
  }

  async insertResource(tenant: string, resource: NewResource): Promise<ResourceRow> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .insert(resources)
        .values({ ...resource, associationId: tenant })
        .returning(),
    );
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  /**
   * Applies changes that `check` approves after seeing the current row, which is locked meanwhile so a concurrent
   * update cannot slip a combination past the checks (a minimum above a maximum set at the same moment). Null
   * when the resource does not exist in the tenant.
   */
  updateResource(tenant: string, id: string, changesFor: (current: ResourceRow) => ResourceChanges): Promise<ResourceRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      const current = await lockResource(tx, tenant, id);
      if (!current) return null;
      const [row] = await tx
        .update(resources)
        .set({ ...changesFor(current), updatedAt: sql`now()` })
        .where(and(eq(resources.associationId, tenant), eq(resources.id, id)))
        .returning();
      return row ?? null;
    });
  }

  /** Archiving again keeps the first time: that is when the resource stopped taking bookings. */
  async archiveResource(tenant: string, id: string): Promise<ResourceRow | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .update(resources)
        .set({ archivedAt: sql`coalesce(${resources.archivedAt}, now())`, updatedAt: sql`now()` })
        .where(and(eq(resources.associationId, tenant), eq(resources.id, id)))
        .returning(),
    );
    return row ?? null;
  }

  /** Replaces all of a resource's opening hours at once, so readers never see half of the old and half of the new. */
  replaceOpeningHours(tenant: string, resourceId: string, hours: NewOpeningHours[]): Promise<ResourceRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      const resource = await lockResource(tx, tenant, resourceId);
      if (!resource) return null;
      await tx.delete(openingHours).where(and(eq(openingHours.associationId, tenant), eq(openingHours.resourceId, resourceId)));
      if (hours.length > 0) {
        await tx.insert(openingHours).values(hours.map((h) => ({ ...h, associationId: tenant, resourceId })));
      }
      return resource;
    });
  }

  /** Replaces all of a resource's quotas at once. */
  replaceQuotas(tenant: string, resourceId: string, rows: NewQuota[]): Promise<ResourceRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      const resource = await lockResource(tx, tenant, resourceId);
      if (!resource) return null;
      await tx.delete(quotas).where(and(eq(quotas.associationId, tenant), eq(quotas.resourceId, resourceId)));
      if (rows.length > 0) await tx.insert(quotas).values(rows.map((q) => ({ ...q, associationId: tenant, resourceId })));
      return resource;
    });
  }

  /** Null when the resource does not exist in the tenant. */
  async insertClosedPeriod(tenant: string, period: NewClosedPeriod): Promise<ClosedPeriodRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      if (!(await lockResource(tx, tenant, period.resourceId))) return null;
      const [row] = await tx
        .insert(closedPeriods)
        .values({ ...period, associationId: tenant })
        .returning();
      return row ?? null;
    });
  }

  async deleteClosedPeriod(tenant: string, id: string): Promise<ClosedPeriodRow | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .delete(closedPeriods)
        .where(and(eq(closedPeriods.associationId, tenant), eq(closedPeriods.id, id)))
        .returning(),
    );
    return row ?? null;
  }

  async insertLocation(tenant: string, location: NewLocation): Promise<LocationRow> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .insert(locations)
        .values({ ...location, associationId: tenant })
        .returning(),
    );
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  findLocations(tenant: string, ids: readonly string[]): Promise<LocationRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(locations)
        .where(and(eq(locations.associationId, tenant), inArray(locations.id, [...ids]))),
    );
  }

  /** Opening hours of the resources, by weekday and opening time. */
  findOpeningHours(tenant: string, resourceIds: readonly string[]): Promise<OpeningHoursRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(openingHours)
        .where(and(eq(openingHours.associationId, tenant), inArray(openingHours.resourceId, [...resourceIds])))
        .orderBy(asc(openingHours.weekday), asc(openingHours.opens)),
    );
  }

  /** Closed periods of the resources, soonest first. */
  findClosedPeriods(tenant: string, resourceIds: readonly string[]): Promise<ClosedPeriodRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(closedPeriods)
        .where(and(eq(closedPeriods.associationId, tenant), inArray(closedPeriods.resourceId, [...resourceIds])))
        .orderBy(sql`lower(${closedPeriods.during})`, asc(closedPeriods.id)),
    );
  }

  findQuotas(tenant: string, resourceIds: readonly string[]): Promise<QuotaRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(quotas)
        .where(and(eq(quotas.associationId, tenant), inArray(quotas.resourceId, [...resourceIds])))
        .orderBy(asc(quotas.per), asc(quotas.period), asc(quotas.id)),
    );
  }
}

/**
 * Locks the resource row for the rest of the transaction, so schedule changes to one resource happen one after
 * another and booking transactions that lock it see either the old schedule or the new one.
 */
async function lockResource(tx: Tx, tenant: string, id: string): Promise<ResourceRow | undefined> {
  const [row] = await tx
    .select()
    .from(resources)
    .where(and(eq(resources.associationId, tenant), eq(resources.id, id)))
    .for('update');
  return row;
}
